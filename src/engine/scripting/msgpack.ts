/**
 * Redis's `cmsgpack` library (lua-cmsgpack 0.4.0, deps/lua/src/
 * lua_cmsgpack.c in Redis 7.0), rewritten on fengari's C-like API, with the
 * choices Redis's build makes (Lua 5.1, 64-bit):
 *
 *   encoding                              decoding
 *   --------------------------------      --------------------------------------
 *   integral number in [-2^63, 2^63):     fixint, int/uint 8..64 -> number
 *     smallest of fixint, uint8/16/32/64,   (uint64 is read as a signed int64,
 *     int8/16/32/64                          as Redis's lua_pushinteger does)
 *   other number: float32 when the        float32 / float64 -> number
 *     value survives the round trip,
 *     else float64 (NaN, 2^63: too)
 *   string: fixstr, str8, str16, str32    fixstr, str8/16/32 -> string
 *   boolean                               true / false
 *   table with keys exactly 1..n: array   fixarray, array16/32 -> table 1..n
 *   any other table: map                  fixmap, map16/32 -> table (a nil key
 *   nil, functions, userdata: nil           raises "table index is nil")
 *   a table 16 levels deep: nil           nil; bin, ext and 0xc1: "Bad data format"
 *
 * Unpacking is a cursor over the input; running out of bytes is "Missing
 * bytes in input.", an unknown type byte "Bad data format in input.".
 * unpack returns every value; unpack_one / unpack_limit return the offset
 * to continue from (-1 at the end) before the values.
 *
 * Lua 5.1's stack limit for a C function (8000 slots) is checked where
 * lua_cmsgpack.c checks it, so a stream of 8000 values fails as on Redis.
 *
 * Map entries come out in fengari's table order (insertion order), Lua
 * 5.1's is its hash layout: a map of two or more keys may be packed in a
 * different order than on Redis (the same entries).
 */
import { lua, luaString, pushBinary, setFunction, type LuaState } from './lua.ts';
import { argError, checkInteger51, checkString51, LUA51_MAX_C_STACK, optInteger51, raise, raiseBare } from './struct.ts';

const MAX_NESTING = 16;
const INT_MAX = 2147483647;

/** A growing byte buffer. */
class Writer {
  buf = Buffer.allocUnsafe(64);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }

  /** A type byte then `n` as a `width`-byte big-endian unsigned number. */
  header(type: number, n: number, width: 1 | 2 | 4): void {
    this.room(1 + width);
    this.buf[this.len++] = type;
    this.buf.writeUIntBE(n, this.len, width);
    this.len += width;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  bigint(type: number, n: bigint, signed: boolean): void {
    this.room(9);
    this.buf[this.len++] = type;
    if (signed) this.buf.writeBigInt64BE(n, this.len);
    else this.buf.writeBigUInt64BE(n, this.len);
    this.len += 8;
  }
}

// ---- encoding ------------------------------------------------------------

function encodeInt(w: Writer, n: number): void {
  if (n >= 0) {
    if (n <= 127) w.byte(n);
    else if (n <= 0xff) w.header(0xcc, n, 1);
    else if (n <= 0xffff) w.header(0xcd, n, 2);
    else if (n <= 0xffffffff) w.header(0xce, n, 4);
    else w.bigint(0xcf, BigInt(n), false);
  } else {
    if (n >= -32) w.byte(n & 0xff);
    else if (n >= -128) w.header(0xd0, n & 0xff, 1);
    else if (n >= -32768) w.header(0xd1, n & 0xffff, 2);
    else if (n >= -2147483648) w.header(0xd2, n >>> 0, 4);
    else w.bigint(0xd3, BigInt(n), true);
  }
}

function encodeDouble(w: Writer, d: number): void {
  const f = Math.fround(d);
  if (d === f) {
    w.byte(0xca);
    const b = Buffer.allocUnsafe(4);
    b.writeFloatBE(f);
    w.bytes(b);
  } else {
    w.byte(0xcb);
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(d);
    w.bytes(b);
  }
}

function encodeString(w: Writer, s: Uint8Array): void {
  const len = s.length;
  if (len < 32) w.byte(0xa0 | len);
  else if (len <= 0xff) w.header(0xd9, len, 1);
  else if (len <= 0xffff) w.header(0xda, len, 2);
  else w.header(0xdb, len, 4);
  w.bytes(s);
}

/** The number of entries when the table at the top has keys exactly 1..n, else -1. */
function arrayLength(L: LuaState): number {
  let count = 0;
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2) !== 0) {
    lua.lua_pop(L, 1);
    const n = lua.lua_type(L, -1) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : NaN;
    // Redis's test: a number, > 0, and equal to itself cast to a C int.
    if (!(n > 0 && n <= INT_MAX && Number.isInteger(n))) {
      lua.lua_pop(L, 1);
      return -1;
    }
    if (n > max) max = n;
    count++;
  }
  return max === count ? count : -1;
}

/** Encode the value at the top of the stack and pop it. */
function encodeTop(L: LuaState, w: Writer, level: number): void {
  lua.lua_checkstack(L, 4);
  let t = lua.lua_type(L, -1);
  if (t === lua.LUA_TTABLE && level === MAX_NESTING) t = lua.LUA_TNIL;
  switch (t) {
    case lua.LUA_TSTRING:
      encodeString(w, lua.lua_tolstring(L, -1));
      break;
    case lua.LUA_TBOOLEAN:
      w.byte(lua.lua_toboolean(L, -1) ? 0xc3 : 0xc2);
      break;
    case lua.LUA_TNUMBER: {
      const n = lua.lua_tonumber(L, -1);
      // Integral and within int64 (C: (int64_t)n == n); -0 is the integer 0.
      if (Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63) encodeInt(w, n === 0 ? 0 : n);
      else encodeDouble(w, n);
      break;
    }
    case lua.LUA_TTABLE: {
      const len = arrayLength(L);
      if (len >= 0) {
        if (len <= 15) w.byte(0x90 | len);
        else if (len <= 0xffff) w.header(0xdc, len, 2);
        else w.header(0xdd, len, 4);
        for (let j = 1; j <= len; j++) {
          lua.lua_pushnumber(L, j);
          lua.lua_gettable(L, -2);
          encodeTop(L, w, level + 1);
        }
      } else {
        let count = 0;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2) !== 0) {
          lua.lua_pop(L, 1);
          count++;
        }
        if (count <= 15) w.byte(0x80 | count);
        else if (count <= 0xffff) w.header(0xde, count, 2);
        else w.header(0xdf, count, 4);
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2) !== 0) {
          lua.lua_pushvalue(L, -2);
          encodeTop(L, w, level + 1);
          encodeTop(L, w, level + 1);
        }
      }
      break;
    }
    default:
      w.byte(0xc0);
  }
  lua.lua_pop(L, 1);
}

/** cmsgpack.pack(v1, ...): every argument encoded, concatenated. */
function pack(L: LuaState): number {
  const nargs = lua.lua_gettop(L);
  if (nargs === 0) argError(L, 0, 'MessagePack pack needs input.');
  if (nargs * 2 > LUA51_MAX_C_STACK) argError(L, 0, 'Too many arguments for MessagePack pack.');
  const w = new Writer();
  for (let i = 1; i <= nargs; i++) {
    lua.lua_checkstack(L, 4);
    lua.lua_pushvalue(L, i);
    encodeTop(L, w, 0);
  }
  lua.lua_pushlstring(L, w.buf.subarray(0, w.len), w.len);
  return 1;
}

// ---- decoding ------------------------------------------------------------

class Truncated extends Error {}
class BadFormat extends Error {}

/** A read position over the input; `need` throws Truncated when fewer bytes are left. */
class Cursor {
  constructor(
    readonly b: Buffer,
    public p: number,
  ) {}

  get left(): number {
    return this.b.length - this.p;
  }

  need(n: number): void {
    if (this.left < n) throw new Truncated();
  }
}

/** A table being filled while decoding: an array or a map with `left` entries to go. */
interface Open {
  map: boolean;
  left: number;
  /** Array: the next index. */
  next: number;
  /** Map: 0 when the next item is a key, 1 when a value. */
  stage: number;
  /** Stack slots in use below the table. */
  base: number;
}

/** Set by decodeItem when it pushed a new table: whether it is a map. */
let openedMap = false;

/**
 * Decode one item at the cursor and push it: a complete value (returns -1)
 * or a new empty table whose `n` entries follow (returns n). `top` is how
 * many stack slots lua_cmsgpack.c would be using (for Lua 5.1's limit).
 */
function decodeItem(L: LuaState, c: Cursor, top: number): number {
  c.need(1);
  if (top + 1 > LUA51_MAX_C_STACK) raise(L, 'stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)');
  lua.lua_checkstack(L, 3);
  const b = c.b;
  const p = c.p;
  const t = b[p];
  let size = 1;
  let len = -1;
  switch (t) {
    case 0xcc: size = 2; c.need(2); lua.lua_pushnumber(L, b[p + 1]); break;
    case 0xd0: size = 2; c.need(2); lua.lua_pushnumber(L, b.readInt8(p + 1)); break;
    case 0xcd: size = 3; c.need(3); lua.lua_pushnumber(L, b.readUInt16BE(p + 1)); break;
    case 0xd1: size = 3; c.need(3); lua.lua_pushnumber(L, b.readInt16BE(p + 1)); break;
    case 0xce: size = 5; c.need(5); lua.lua_pushnumber(L, b.readUInt32BE(p + 1)); break;
    case 0xd2: size = 5; c.need(5); lua.lua_pushnumber(L, b.readInt32BE(p + 1)); break;
    // uint64 goes through lua_pushinteger, a signed 64-bit integer, like int64.
    case 0xcf:
    case 0xd3: size = 9; c.need(9); lua.lua_pushnumber(L, Number(b.readBigInt64BE(p + 1))); break;
    case 0xc0: lua.lua_pushnil(L); break;
    case 0xc2: case 0xc3: lua.lua_pushboolean(L, t === 0xc3); break;
    case 0xca: size = 5; c.need(5); lua.lua_pushnumber(L, b.readFloatBE(p + 1)); break;
    case 0xcb: size = 9; c.need(9); lua.lua_pushnumber(L, b.readDoubleBE(p + 1)); break;
    case 0xd9: c.need(2); return pushStr(L, c, 2, b[p + 1]);
    case 0xda: c.need(3); return pushStr(L, c, 3, b.readUInt16BE(p + 1));
    case 0xdb: c.need(5); return pushStr(L, c, 5, b.readUInt32BE(p + 1));
    case 0xdc: c.need(3); size = 3; len = b.readUInt16BE(p + 1); openedMap = false; break;
    case 0xdd: c.need(5); size = 5; len = b.readUInt32BE(p + 1); openedMap = false; break;
    case 0xde: c.need(3); size = 3; len = b.readUInt16BE(p + 1); openedMap = true; break;
    case 0xdf: c.need(5); size = 5; len = b.readUInt32BE(p + 1); openedMap = true; break;
    default:
      if ((t & 0x80) === 0) lua.lua_pushnumber(L, t);
      else if ((t & 0xe0) === 0xe0) lua.lua_pushnumber(L, t - 256);
      else if ((t & 0xe0) === 0xa0) return pushStr(L, c, 1, t & 0x1f);
      else if ((t & 0xf0) === 0x90) (len = t & 0xf), (openedMap = false);
      else if ((t & 0xf0) === 0x80) (len = t & 0xf), (openedMap = true);
      else throw new BadFormat();
  }
  c.p += size;
  if (len >= 0) lua.lua_newtable(L);
  return len;
}

function pushStr(L: LuaState, c: Cursor, at: number, len: number): number {
  c.need(at + len);
  lua.lua_pushlstring(L, c.b.subarray(c.p + at, c.p + at + len), len);
  c.p += at + len;
  return -1;
}

/**
 * Decode one value at the cursor and push it, tables filled without
 * recursion (a deep nesting must reach Lua 5.1's stack limit, not
 * JavaScript's). `top`: the stack slots in use before it.
 */
function decode(L: LuaState, c: Cursor, top: number): void {
  const open: Open[] = [];
  for (;;) {
    const n = decodeItem(L, c, top);
    let done = n < 0;
    if (!done) {
      if (!openedMap && top + 2 > LUA51_MAX_C_STACK) raise(L, 'stack overflow (in function mp_decode_to_lua_array)');
      open.push({ map: openedMap, left: n, next: 1, stage: 0, base: top });
    }
    for (;;) {
      const f = open[open.length - 1];
      if (f === undefined) return;
      if (done) {
        done = false;
        if (!f.map) {
          lua.lua_settable(L, -3);
          f.left--;
        } else if (f.stage === 0) {
          f.stage = 1;
        } else {
          setField(L);
          f.stage = 0;
          f.left--;
        }
      }
      if (f.left === 0) {
        open.pop();
        done = true;
        continue;
      }
      if (f.map) {
        top = f.base + 1 + f.stage;
      } else {
        lua.lua_pushnumber(L, f.next++);
        top = f.base + 2;
      }
      break;
    }
  }
}

/** t[k] = v for the table, key and value at -3, -2, -1, with Lua 5.1's texts for bad keys. */
function setField(L: LuaState): void {
  const kt = lua.lua_type(L, -2);
  if (kt === lua.LUA_TNIL) raiseBare(L, 'table index is nil');
  if (kt === lua.LUA_TNUMBER && Number.isNaN(lua.lua_tonumber(L, -2))) raiseBare(L, 'table index is NaN');
  lua.lua_settable(L, -3);
}

/**
 * Decode up to `limit` values of the string at argument 1 from `offset`
 * (limit 0 and offset 0: all values, without an offset result).
 */
function unpackFull(L: LuaState, limit: number, offset: number): number {
  const s = checkString51(L, 1);
  const len = s.length;
  const all = limit === 0 && offset === 0;
  if (offset < 0 || limit < 0) raise(L, `Invalid request to unpack with offset of ${cInt(offset)} and limit of ${cInt(len)}.`);
  if (offset > len) raise(L, `Start offset ${cInt(offset)} greater than input length ${cInt(len)}.`);
  if (all) limit = INT_MAX;
  const c = new Cursor(Buffer.from(lua.lua_tolstring(L, 1)), offset);
  const base = lua.lua_gettop(L);
  let count = 0;
  try {
    for (; c.left > 0 && count < limit; count++) decode(L, c, base + count);
  } catch (e) {
    if (e instanceof Truncated) raise(L, 'Missing bytes in input.');
    if (e instanceof BadFormat) raise(L, 'Bad data format in input.');
    throw e;
  }
  if (all) return count;
  lua.lua_checkstack(L, 1);
  lua.lua_pushnumber(L, c.left === 0 ? -1 : len - c.left);
  lua.lua_insert(L, 2);
  return count + 1;
}

/** C's (int) of a 64-bit integer: its low 32 bits, signed. */
const cInt = (n: number): number => Number(BigInt.asIntN(32, BigInt(n)));

function unpack(L: LuaState): number {
  return unpackFull(L, 0, 0);
}

function unpackOne(L: LuaState): number {
  const offset = optInteger51(L, 2, 0);
  lua.lua_settop(L, Math.min(lua.lua_gettop(L), 1));
  return unpackFull(L, 1, offset);
}

function unpackLimit(L: LuaState): number {
  const limit = checkInteger51(L, 2);
  const offset = optInteger51(L, 3, 0);
  lua.lua_settop(L, 1);
  return unpackFull(L, limit, offset);
}

export function openCmsgpack(L: LuaState): void {
  lua.lua_newtable(L);
  setFunction(L, 'pack', pack);
  setFunction(L, 'unpack', unpack);
  setFunction(L, 'unpack_one', unpackOne);
  setFunction(L, 'unpack_limit', unpackLimit);
  for (const [k, v] of [
    ['_NAME', 'cmsgpack'],
    ['_VERSION', 'lua-cmsgpack 0.4.0'],
    ['_COPYRIGHT', 'Copyright (C) 2012, Salvatore Sanfilippo'],
    ['_DESCRIPTION', 'MessagePack C implementation for Lua'],
  ]) {
    pushBinary(L, v);
    lua.lua_setfield(L, -2, luaString(k));
  }
  lua.lua_setglobal(L, luaString('cmsgpack'));
}

/**
 * The libraries Redis gives scripts beyond Lua's own: `bit` (LuaBitOp,
 * 32-bit results), `cjson` (encode/decode), Redis's deterministic
 * math.random, and the Lua 5.1 names that Lua 5.3 dropped (unpack,
 * table.getn, math.pow, ...). `struct` is in struct.ts, `cmsgpack` in
 * msgpack.ts.
 */
import { luaNumberToString, lua, lauxlib, pushBinary, pushText, setFunction, toBinary, type LuaState } from './lua.ts';

const int32 = (L: LuaState, i: number): number => {
  const n = lauxlib.luaL_checknumber(L, i);
  // LuaBitOp's tobit: the number modulo 2^32, as a signed 32-bit integer.
  return Number(BigInt.asIntN(32, BigInt(Math.round(n))));
};

function fold(op: (a: number, b: number) => number) {
  return (L: LuaState): number => {
    const n = lua.lua_gettop(L);
    let acc = int32(L, 1);
    for (let i = 2; i <= n; i++) acc = op(acc, int32(L, i));
    lua.lua_pushinteger(L, acc | 0);
    return 1;
  };
}

function shift(op: (a: number, b: number) => number) {
  return (L: LuaState): number => {
    lua.lua_pushinteger(L, op(int32(L, 1), int32(L, 2) & 31) | 0);
    return 1;
  };
}

export function openBit(L: LuaState): void {
  lua.lua_newtable(L);
  setFunction(L, 'tobit', (L) => (lua.lua_pushinteger(L, int32(L, 1)), 1));
  setFunction(L, 'bnot', (L) => (lua.lua_pushinteger(L, ~int32(L, 1)), 1));
  setFunction(L, 'band', fold((a, b) => a & b));
  setFunction(L, 'bor', fold((a, b) => a | b));
  setFunction(L, 'bxor', fold((a, b) => a ^ b));
  setFunction(L, 'lshift', shift((a, n) => a << n));
  setFunction(L, 'rshift', shift((a, n) => a >>> n));
  setFunction(L, 'arshift', shift((a, n) => a >> n));
  setFunction(L, 'rol', shift((a, n) => (a << n) | (a >>> (32 - n))));
  setFunction(L, 'ror', shift((a, n) => (a >>> n) | (a << (32 - n))));
  setFunction(L, 'bswap', (L) => {
    const x = int32(L, 1);
    lua.lua_pushinteger(L, ((x >>> 24) | ((x >> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24)) | 0);
    return 1;
  });
  setFunction(L, 'tohex', (L) => {
    const x = int32(L, 1);
    let n = lua.lua_isnoneornil(L, 2) ? 8 : int32(L, 2);
    const upper = n < 0;
    if (upper) n = -n;
    if (n > 8) n = 8;
    let hex = (x >>> 0).toString(16).padStart(8, '0').slice(8 - n);
    if (upper) hex = hex.toUpperCase();
    pushText(L, hex);
    return 1;
  });
  lua.lua_setglobal(L, 'bit');
}

// ---- cjson ---------------------------------------------------------------

const NULL_SENTINEL = {};

function jsonEscape(bin: string): string {
  let out = '"';
  for (let i = 0; i < bin.length; i++) {
    const c = bin.charCodeAt(i);
    const ch = bin[i];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '/') out += '\\/';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

class CjsonError extends Error {}

function encodeValue(L: LuaState, depth: number): string {
  if (depth > 1000) throw new CjsonError('Cannot serialise, excessive nesting (1001)');
  switch (lua.lua_type(L, -1)) {
    case lua.LUA_TNIL:
      return 'null';
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, -1) ? 'true' : 'false';
    case lua.LUA_TNUMBER: {
      const n = lua.lua_tonumber(L, -1);
      if (!Number.isFinite(n)) throw new CjsonError('Cannot serialise number: must not be NaN or Inf');
      return luaNumberToString(n);
    }
    case lua.LUA_TSTRING:
      return jsonEscape(toBinary(L, -1) as string);
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, -1) === NULL_SENTINEL) return 'null';
      throw new CjsonError('Cannot serialise userdata: type not supported');
    case lua.LUA_TTABLE:
      return encodeTable(L, depth);
    default:
      throw new CjsonError(`Cannot serialise ${typeName(lua.lua_type(L, -1))}: type not supported`);
  }
}

/** A Lua type's name as a JS string (fengari returns bytes). */
function typeName(type: number): string {
  return String.fromCharCode(...(lua.lua_typename(null, type) as Uint8Array));
}

function encodeTable(L: LuaState, depth: number): string {
  // An array when every key is a positive integer (lua-cjson's rule, without its sparse-array ratio).
  let max = 0;
  let count = 0;
  let isArray = true;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2) !== 0) {
    lua.lua_pop(L, 1);
    count++;
    if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
      const k = lua.lua_tonumber(L, -1);
      if (Number.isInteger(k) && k >= 1) {
        max = Math.max(max, k);
        continue;
      }
    }
    isArray = false;
  }
  if (isArray && count > 0 && max <= count * 2 + 10) {
    const parts: string[] = [];
    for (let i = 1; i <= max; i++) {
      lua.lua_rawgeti(L, -1, i);
      parts.push(encodeValue(L, depth + 1));
      lua.lua_pop(L, 1);
    }
    return `[${parts.join(',')}]`;
  }
  const parts: string[] = [];
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2) !== 0) {
    const kt = lua.lua_type(L, -2);
    if (kt !== lua.LUA_TSTRING && kt !== lua.LUA_TNUMBER) {
      const type = typeName(kt);
      lua.lua_pop(L, 2);
      // lua-cjson names the key's type: "Cannot serialise boolean: ..."
      throw new CjsonError(`Cannot serialise ${type}: table key must be a number or string`);
    }
    lua.lua_pushvalue(L, -2);
    const key = kt === lua.LUA_TNUMBER ? luaNumberToString(lua.lua_tonumber(L, -1)) : (toBinary(L, -1) as string);
    lua.lua_pop(L, 1);
    parts.push(`${jsonEscape(key)}:${encodeValue(L, depth + 1)}`);
    lua.lua_pop(L, 1);
  }
  return `{${parts.join(',')}}`;
}

function pushJson(L: LuaState, v: unknown): void {
  if (v === null) lua.lua_pushlightuserdata(L, NULL_SENTINEL);
  else if (typeof v === 'boolean') lua.lua_pushboolean(L, v);
  else if (typeof v === 'number') lua.lua_pushnumber(L, v);
  else if (typeof v === 'string') pushBinary(L, Buffer.from(v, 'utf8').toString('latin1'));
  else if (Array.isArray(v)) {
    lua.lua_createtable(L, v.length, 0);
    v.forEach((item, i) => {
      pushJson(L, item);
      lua.lua_rawseti(L, -2, i + 1);
    });
  } else {
    const entries = Object.entries(v as Record<string, unknown>);
    lua.lua_createtable(L, 0, entries.length);
    for (const [k, item] of entries) {
      pushBinary(L, Buffer.from(k, 'utf8').toString('latin1'));
      pushJson(L, item);
      lua.lua_rawset(L, -3);
    }
  }
}

export function openCjson(L: LuaState): void {
  lua.lua_newtable(L);
  setFunction(L, 'encode', (L) => {
    if (lua.lua_gettop(L) !== 1) return lauxlib.luaL_error(L, 'bad argument #1 to \'encode\' (expected 1 argument)');
    let text: string;
    try {
      text = encodeValue(L, 0);
    } catch (e) {
      if (e instanceof CjsonError) return lauxlib.luaL_error(L, e.message);
      throw e;
    }
    pushBinary(L, text);
    return 1;
  });
  setFunction(L, 'decode', (L) => {
    const text = lauxlib.luaL_checklstring(L, 1) && (toBinary(L, 1) as string);
    let v: unknown;
    try {
      v = JSON.parse(Buffer.from(text, 'latin1').toString('utf8'));
    } catch (e) {
      return lauxlib.luaL_error(L, `Expected value but found invalid token: ${(e as Error).message}`);
    }
    pushJson(L, v);
    return 1;
  });
  lua.lua_pushlightuserdata(L, NULL_SENTINEL);
  lua.lua_setfield(L, -2, 'null');
  lua.lua_setglobal(L, 'cjson');
}

// ---- math.random: Redis's rand48, so sequences match Redis's -------------

class Rand48 {
  private x = (0x1234n << 32n) | (0xabcdn << 16n) | 0x330en;
  seed(v: number): void {
    this.x = ((BigInt(v >>> 0) & 0xffffffffn) << 16n) | 0x330en;
  }
  next(): number {
    this.x = (0x5deece66dn * this.x + 0xbn) & 0xffffffffffffn;
    return Number(this.x >> 17n);
  }
}

export function openRandom(L: LuaState): void {
  const rand = new Rand48();
  const MAX = 2147483647;
  lua.lua_getglobal(L, 'math');
  setFunction(L, 'random', (L) => {
    const r = (rand.next() % MAX) / MAX;
    switch (lua.lua_gettop(L)) {
      case 0:
        lua.lua_pushnumber(L, r);
        return 1;
      case 1: {
        const u = lauxlib.luaL_checkinteger(L, 1);
        lauxlib.luaL_argcheck(L, 1 <= u, 1, 'interval is empty');
        lua.lua_pushnumber(L, Math.floor(r * u) + 1);
        return 1;
      }
      case 2: {
        const l = lauxlib.luaL_checkinteger(L, 1);
        const u = lauxlib.luaL_checkinteger(L, 2);
        lauxlib.luaL_argcheck(L, l <= u, 2, 'interval is empty');
        lua.lua_pushnumber(L, Math.floor(r * (u - l + 1)) + l);
        return 1;
      }
      default:
        return lauxlib.luaL_error(L, 'wrong number of arguments');
    }
  });
  setFunction(L, 'randomseed', (L) => {
    rand.seed(lauxlib.luaL_checkinteger(L, 1));
    return 0;
  });
  lua.lua_pop(L, 1);
}

/** Lua 5.1 names scripts written for Redis use, and a tostring with 5.1's number format. */
export const COMPAT_LUA = `
unpack = table.unpack
table.getn = function(t) return #t end
math.pow = function(x, y) return x ^ y end
math.mod = math.fmod
math.ldexp = function(m, e) return m * 2.0 ^ e end
string.gfind = string.gmatch
local raw_tostring = tostring
tostring = function(v)
  if type(v) == 'number' then return v .. '' end
  return raw_tostring(v)
end
`;

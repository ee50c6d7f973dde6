/**
 * Redis's `struct` library (Roberto Ierusalimschy's lua_struct.c as Redis
 * 7.0 ships it in deps/lua), rewritten on fengari's C-like API: binary
 * packing of numbers and strings, as Redis built it on x86-64 (long and
 * size_t are 8 bytes, int 4, short 2; native order little endian; maximum
 * alignment 8).
 *
 * Format string, one option per character, an optional count after some:
 *
 *   >  <        big / little endian from here on (default: little)
 *   ![n]        maximum alignment n (a power of 2; default 8), default 1
 *   x           one zero byte of padding
 *   b B         signed / unsigned byte
 *   h H         short (2 bytes)       l L   long (8)      T   size_t (8)
 *   i[n] I[n]   integer of n bytes (default 4, at most 32)
 *   f d         float (4) / double (8)
 *   c[n]        n bytes of a string; pack: c0 = the whole string; unpack:
 *               c0 = as many bytes as the previous result (a number) says
 *   s           zero-terminated string
 *   ' '         ignored
 *
 * Integers go through C's 64-bit `long`: a number is truncated toward zero
 * and taken modulo 2^64 as x86-64 does it (out of range: 0x8000000000000000
 * for negatives and NaN, 0 at or above 2^64); sizes above 8 bytes hold at
 * most those 64 bits, zero-filled. Unpacking keeps the last 8 bytes read
 * and sign-extends with a mask shifted by (8*size - 1) mod 64, which is
 * what the x86 shift instruction makes of lua_struct.c's out-of-range shift.
 *
 * The Lua 5.1 argument helpers at the end (checkNumber51 and friends) are
 * shared with msgpack.ts: Lua 5.1 truncates a non-integral number where
 * fengari's Lua 5.3 luaL_checkinteger would refuse it.
 */
import { lauxlib, lua, luaString, pushBinary, setFunction, toBinary, type LuaState } from './lua.ts';

const MAX_INT_SIZE = 32;
const MAX_ALIGN = 8;
const INT_MAX = 2147483647;
/** Lua 5.1's LUAI_MAXCSTACK: a C function's stack (arguments and results) holds at most this many slots. */
export const LUA51_MAX_C_STACK = 8000;

interface Header {
  little: boolean;
  align: number;
}

/** The format string and the read position in it. */
interface Format {
  text: string;
  i: number;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string): boolean => /^[0-9A-Za-z]$/.test(c);

/** The number at the format's position, or `df` when there is none; errors past INT_MAX. */
function getNum(L: LuaState, f: Format, df: number): number {
  if (!isDigit(f.text[f.i])) return df;
  let a = 0;
  do {
    const d = f.text.charCodeAt(f.i) - 48;
    if (a > Math.floor(INT_MAX / 10) || a * 10 > INT_MAX - d) raise(L, 'integral size overflow');
    a = a * 10 + d;
    f.i++;
  } while (isDigit(f.text[f.i]));
  return a;
}

/** The size in bytes of option `opt` (reading its count); 0 for options that take no room. */
function optSize(L: LuaState, opt: string, f: Format): number {
  switch (opt) {
    case 'B': case 'b': case 'x': return 1;
    case 'H': case 'h': return 2;
    case 'L': case 'l': case 'T': case 'd': return 8;
    case 'f': return 4;
    case 'c': return getNum(L, f, 1);
    case 'i': case 'I': {
      const sz = getNum(L, f, 4);
      if (sz > MAX_INT_SIZE) raise(L, `integral size ${sz} is larger than limit of ${MAX_INT_SIZE}`);
      return sz;
    }
    default: return 0;
  }
}

/** Padding bytes needed before an item of `size` bytes at offset `len`. */
function toAlign(len: number, h: Header, opt: string, size: number): number {
  if (size === 0 || opt === 'c') return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

/** Endianness, alignment and spaces; any other character is an invalid option. */
function controlOption(L: LuaState, opt: string, f: Format, h: Header): void {
  switch (opt) {
    case ' ': return;
    case '>': h.little = false; return;
    case '<': h.little = true; return;
    case '!': {
      const a = getNum(L, f, MAX_ALIGN);
      if (!(a > 0 && (a & (a - 1)) === 0)) raise(L, `alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default:
      argError(L, 1, `invalid format option '${opt}'`);
  }
}

/** A double as C's (unsigned long) / (unsigned long)(long) casts leave it on x86-64. */
export function toUint64(n: number): bigint {
  if (Number.isNaN(n)) return 1n << 63n;
  if (n < 0) return n >= -(2 ** 63) ? BigInt.asUintN(64, BigInt(Math.trunc(n))) : 1n << 63n;
  return n < 2 ** 64 ? BigInt(Math.trunc(n)) : 0n;
}

function packInteger(n: number, little: boolean, size: number): string {
  let v = toUint64(n);
  const bytes: number[] = new Array(size);
  for (let k = 0; k < size; k++) {
    bytes[little ? k : size - 1 - k] = Number(v & 0xffn);
    v >>= 8n;
  }
  return String.fromCharCode(...bytes);
}

function unpackInteger(data: string, pos: number, little: boolean, signed: boolean, size: number): number {
  let l = 0n;
  for (let k = 0; k < size; k++) {
    const byte = data.charCodeAt(little ? pos + size - 1 - k : pos + k);
    l = BigInt.asUintN(64, (l << 8n) | BigInt(byte));
  }
  if (!signed) return Number(l);
  const mask = BigInt.asUintN(64, ~0n << BigInt((size * 8 - 1) & 63));
  if (l & mask) l |= mask;
  return Number(BigInt.asIntN(64, l));
}

function floatBytes(n: number, size: 4 | 8, little: boolean): string {
  const b = Buffer.alloc(size);
  if (size === 4) b.writeFloatLE(n);
  else b.writeDoubleLE(n);
  if (!little) b.reverse();
  return b.toString('latin1');
}

function readFloat(data: string, pos: number, size: 4 | 8, little: boolean): number {
  const b = Buffer.from(data.slice(pos, pos + size), 'latin1');
  if (!little) b.reverse();
  return size === 4 ? b.readFloatLE(0) : b.readDoubleLE(0);
}

/** The format at argument 1, up to its first NUL (lua_struct.c reads it as a C string). */
function checkFormat(L: LuaState): Format {
  const text = checkString51(L, 1);
  const nul = text.indexOf('\0');
  return { text: nul < 0 ? text : text.slice(0, nul), i: 0 };
}

/** struct.pack(fmt, v1, ...): the values packed as one binary string. */
function pack(L: LuaState): number {
  const f = checkFormat(L);
  // lua_struct.c's mark between the arguments and its buffer: the argument
  // after the last is nil, not none ("number expected, got nil").
  lua.lua_pushnil(L);
  const h: Header = { little: true, align: 1 };
  let arg = 2;
  let total = 0;
  const out: string[] = [];
  while (f.i < f.text.length) {
    const opt = f.text[f.i++];
    let size = optSize(L, opt, f);
    const pad = toAlign(total, h, opt, size);
    total += pad;
    if (pad > 0) out.push('\0'.repeat(pad));
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        out.push(packInteger(checkNumber51(L, arg++), h.little, size));
        break;
      case 'x':
        out.push('\0');
        break;
      case 'f':
      case 'd':
        out.push(floatBytes(checkNumber51(L, arg++), size as 4 | 8, h.little));
        break;
      case 'c':
      case 's': {
        const s = checkString51(L, arg++);
        if (size === 0) size = s.length;
        if (s.length < size) argError(L, arg, 'string too short');
        out.push(s.slice(0, size));
        if (opt === 's') {
          out.push('\0');
          size++;
        }
        break;
      }
      default:
        controlOption(L, opt, f, h);
    }
    total += size;
  }
  pushBinary(L, out.join(''));
  return 1;
}

/** struct.unpack(fmt, data [, pos]): the values read, then the position after them. */
function unpack(L: LuaState): number {
  const f = checkFormat(L);
  const data = checkString51(L, 2);
  const ld = data.length;
  const start = optInteger51(L, 3, 1);
  if (start === 0) argError(L, 3, 'offset must be 1 or greater');
  // A negative offset is a huge size_t in C: every item is then out of range.
  let pos = start < 0 ? Infinity : start - 1;
  const h: Header = { little: true, align: 1 };
  let n = 0;
  let read = false;
  while (f.i < f.text.length) {
    read = true;
    const opt = f.text[f.i++];
    let size = optSize(L, opt, f);
    pos += toAlign(pos, h, opt, size);
    if (!(size <= ld && pos <= ld - size)) argError(L, 2, 'data string too short');
    checkStack(L, 2, 'too many results');
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        lua.lua_pushnumber(L, unpackInteger(data, pos, h.little, opt >= 'a', size));
        n++;
        break;
      case 'x':
        break;
      case 'f':
      case 'd':
        lua.lua_pushnumber(L, readFloat(data, pos, size as 4 | 8, h.little));
        n++;
        break;
      case 'c': {
        if (size === 0) {
          if (n === 0 || !lua.lua_isnumber(L, -1)) raise(L, "format 'c0' needs a previous size");
          size = Number(toUint64(lua.lua_tonumber(L, -1)));
          lua.lua_pop(L, 1);
          n--;
          if (!(size <= ld && pos <= ld - size)) argError(L, 2, 'data string too short');
        }
        pushBinary(L, data.slice(pos, pos + size));
        n++;
        break;
      }
      case 's': {
        const e = data.indexOf('\0', pos);
        if (e < 0) raise(L, 'unfinished string in data');
        size = e - pos + 1;
        pushBinary(L, data.slice(pos, e));
        n++;
        break;
      }
      default:
        controlOption(L, opt, f, h);
    }
    pos += size;
  }
  lua.lua_pushnumber(L, read ? pos + 1 : start);
  return n + 1;
}

/** struct.size(fmt): the bytes a pack with this format takes; errors for s and c0. */
function size(L: LuaState): number {
  const f = checkFormat(L);
  const h: Header = { little: true, align: 1 };
  let pos = 0;
  while (f.i < f.text.length) {
    const opt = f.text[f.i++];
    const sz = optSize(L, opt, f);
    pos += toAlign(pos, h, opt, sz);
    if (opt === 's') argError(L, 1, "option 's' has no fixed size");
    else if (opt === 'c' && sz === 0) argError(L, 1, "option 'c0' has no fixed size");
    if (!isAlnum(opt)) controlOption(L, opt, f, h);
    pos += sz;
  }
  lua.lua_pushnumber(L, pos);
  return 1;
}

export function openStruct(L: LuaState): void {
  lua.lua_newtable(L);
  setFunction(L, 'pack', pack);
  setFunction(L, 'unpack', unpack);
  setFunction(L, 'size', size);
  lua.lua_setglobal(L, luaString('struct'));
}

// ---- Lua 5.1 argument checks, shared with msgpack.ts ----------------------

/** luaL_error: the message after the calling script's position ("user_script:3: "). */
export function raise(L: LuaState, msg: string): never {
  lauxlib.luaL_error(L, luaString('%s'), Buffer.from(msg, 'latin1'));
  throw new Error('unreachable');
}

/** An error raised by the VM itself inside a host function: no position (Lua 5.1's luaG_runerror). */
export function raiseBare(L: LuaState, msg: string): never {
  pushBinary(L, msg);
  lua.lua_error(L);
  throw new Error('unreachable');
}

/** luaL_checkstack with Lua 5.1's limit of 8000 slots for a host function. */
export function checkStack(L: LuaState, space: number, what: string): void {
  if (lua.lua_gettop(L) + space > LUA51_MAX_C_STACK || !lua.lua_checkstack(L, space)) raise(L, `stack overflow (${what})`);
}

/** luaL_argerror: "bad argument #n to 'name' (msg)". */
export function argError(L: LuaState, arg: number, msg: string): never {
  lauxlib.luaL_argerror(L, arg, Buffer.from(msg, 'latin1'));
  throw new Error('unreachable');
}

function typeError(L: LuaState, arg: number, expected: string): never {
  argError(L, arg, `${expected} expected, got ${typeName(L, arg)}`);
}

function typeName(L: LuaState, arg: number): string {
  const t = lua.lua_type(L, arg);
  if (t === lua.LUA_TNONE) return 'no value';
  return Buffer.from(lua.lua_typename(L, t)).toString('latin1');
}

/** luaL_checknumber (numeric strings convert). */
export function checkNumber51(L: LuaState, arg: number): number {
  if (!lua.lua_isnumber(L, arg)) typeError(L, arg, 'number');
  return lua.lua_tonumber(L, arg);
}

/** A double as Lua 5.1's lua_tointeger leaves it on x86-64: truncated, INT64_MIN when out of range. */
export function toLuaInteger(n: number): number {
  if (Number.isNaN(n) || n >= 2 ** 63 || n < -(2 ** 63)) return -(2 ** 63);
  return Math.trunc(n);
}

/** Lua 5.1's luaL_checkinteger: any number, truncated. */
export function checkInteger51(L: LuaState, arg: number): number {
  return toLuaInteger(checkNumber51(L, arg));
}

/** Lua 5.1's luaL_optinteger. */
export function optInteger51(L: LuaState, arg: number, df: number): number {
  return lua.lua_isnoneornil(L, arg) ? df : checkInteger51(L, arg);
}

/** luaL_checklstring (numbers convert in place) as a binary string. */
export function checkString51(L: LuaState, arg: number): string {
  const t = lua.lua_type(L, arg);
  if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) typeError(L, arg, 'string');
  return toBinary(L, arg) as string;
}

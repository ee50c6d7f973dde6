/**
 * The Lua VM: fengari (Lua 5.3 in plain JavaScript), loaded with Lua 5.1's
 * float formatting so that `tostring(10/2)` is "5" as in Redis's Lua 5.1,
 * not 5.3's "5.0".
 *
 * Why fengari and not wasmoon (Lua 5.4 in WebAssembly): scripts handle
 * binary bulk strings, and fengari's strings are byte arrays, so every byte
 * survives; wasmoon hands strings across as UTF-8 JS strings and mangles
 * bytes >= 0x80. fengari also runs synchronously, as a script must (it runs
 * inside one engine command). bench/lua-vms.ts measures both.
 *
 * Numbers are Lua 5.1's: doubles only (see loadFengari).
 *
 * Strings cross the boundary as the engine's binary strings (one char per
 * byte, see bytes.ts).
 */
import { createRequire } from 'node:module';
import { formatG } from '../numbers.ts';

const require = createRequire(import.meta.url);

function loadFengari(): any {
  const conf = process.env.FENGARICONF ? JSON.parse(process.env.FENGARICONF) : {};
  const before = process.env.FENGARICONF;
  process.env.FENGARICONF = JSON.stringify({ ...conf, LUA_COMPAT_FLOATSTRING: true });
  try {
    const f = require('fengari');
    // Lua 5.1 formats numbers with printf's %.14g; fengari approximates it
    // with toPrecision, which never switches to exponent form (2^53 must
    // print as 9.007199254741e+15). The API and the VM convert through
    // lobject.luaO_tostring, so that is where the fix goes.
    const lobject = require('fengari/src/lobject.js');
    const { luaS_bless } = require('fengari/src/lstring.js');
    lobject.luaO_tostring = (L: unknown, obj: any) => {
      const text = obj.ttisinteger() ? String(obj.value) : luaNumberToString(obj.value);
      obj.setsvalue(luaS_bless(L, f.to_luastring(text)));
    };
    // Lua 5.1 has one number type, the double. Lua 5.3 adds integers, and
    // fengari's are 32-bit and wrap (2000000000 + 2000000000 is negative),
    // which would break any script doing arithmetic on timestamps. Treating
    // every number as a float makes the VM compute as Lua 5.1 does.
    const LUA_TNUMBER = 3;
    lobject.TValue.prototype.ttisinteger = () => false;
    lobject.TValue.prototype.ttisfloat = function (this: { type: number }) {
      return (this.type & 0x0f) === LUA_TNUMBER;
    };
    return f;
  } finally {
    if (before === undefined) delete process.env.FENGARICONF;
    else process.env.FENGARICONF = before;
  }
}

/** Lua 5.1's tostring for numbers: %.14g. */
export function luaNumberToString(n: number): string {
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Number.isNaN(n)) return 'nan';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  return formatG(n, 14);
}

const fengari = loadFengari();
export const lua: any = fengari.lua;
export const lauxlib: any = fengari.lauxlib;
export const lualib: any = fengari.lualib;

/** An opaque Lua state. */
export type LuaState = object;

export function pushBinary(L: LuaState, s: string): void {
  lua.lua_pushlstring(L, Buffer.from(s, 'latin1'), s.length);
}

/** The string (or number, converted) at `idx` as a binary string; null when neither. */
export function toBinary(L: LuaState, idx: number): string | null {
  const u8: Uint8Array | null = lua.lua_tolstring(L, idx);
  if (u8 === null) return null;
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('latin1');
}

export function pushText(L: LuaState, s: string): void {
  lua.lua_pushliteral(L, s);
}

/** Set t[name] = value on the table at the top of the stack, value pushed by `push`. */
export function setField(L: LuaState, name: string, push: () => void): void {
  push();
  lua.lua_setfield(L, -2, fengari.to_luastring(name));
}

export function setFunction(L: LuaState, name: string, fn: (L: LuaState) => number): void {
  setField(L, name, () => lua.lua_pushjsfunction(L, fn));
}

export function luaString(s: string): Uint8Array {
  return fengari.to_luastring(s);
}

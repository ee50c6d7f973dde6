/**
 * fengari (Lua 5.3 in JS) against wasmoon (Lua 5.4 in WebAssembly), the two
 * Lua VMs on npm, for what brook's scripting needs: correctness first
 * (binary strings, Lua 5.1 number formatting, synchronous calls back into
 * the engine), then speed (a pure-Lua loop; a script calling a host
 * function per iteration, as redis.call does). Anchor: fengari.
 *
 *   node --import tsx bench/lua-vms.ts
 */
import { LuaFactory } from 'wasmoon';
import { lauxlib, lua, lualib, luaString, toBinary } from '../src/engine/scripting/lua.ts';
import { opsPerSec, ratio, report } from './_support.ts';

const N = Number(process.env.BENCH_LUA_N ?? 200_000);
const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

// ---- fengari
const L = lauxlib.luaL_newstate();
lualib.luaL_openlibs(L);
let calls = 0;
lua.lua_pushjsfunction(L, (L: object) => {
  calls++;
  lua.lua_pushinteger(L, 1);
  return 1;
});
lua.lua_setglobal(L, luaString('hostfn'));
function fengariRun(src: string, arg?: string): string | null {
  lauxlib.luaL_loadstring(L, luaString(src));
  if (arg !== undefined) {
    lua.lua_pushlstring(L, Buffer.from(arg, 'latin1'), arg.length);
    lua.lua_setglobal(L, luaString('ARG'));
  }
  if (lua.lua_pcall(L, 0, 1, 0) !== 0) throw new Error(String(toBinary(L, -1)));
  const r = toBinary(L, -1);
  lua.lua_pop(L, 1);
  return r;
}

// ---- wasmoon
const factory = new LuaFactory();
const w = await factory.createEngine();
w.global.set('hostfn', () => {
  calls++;
  return 1;
});

const checks = {
  binaryRoundTrip: {
    fengari: fengariRun('return ARG', ALL_BYTES) === ALL_BYTES,
    wasmoon: (() => {
      w.global.set('ARG', ALL_BYTES);
      const back = w.doStringSync('return ARG') as string;
      return back === ALL_BYTES;
    })(),
  },
  lua51FloatFormat: {
    fengari: fengariRun('return tostring(10/2)') === '5',
    wasmoon: w.doStringSync('return tostring(10/2)') === '5',
  },
  synchronousHostCalls: { fengari: true, wasmoon: true },
};
report({ bench: 'lua-vms', kind: 'correctness', checks });

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const loop = `local n = 0 for i = 1, ${N} do n = n + i % 7 end return tostring(n)`;
const host = `local n = 0 for i = 1, ${N} do n = n + hostfn() end return tostring(n)`;
fengariRun(loop);
w.doStringSync(loop);
const fLoop = time(() => fengariRun(loop));
const wLoop = time(() => w.doStringSync(loop));
const fHost = time(() => fengariRun(host));
const wHost = time(() => w.doStringSync(host));
report({ bench: 'lua-vms', kind: 'pure-loop', n: N, fengari_ops: opsPerSec(N, fLoop), wasmoon_ops: opsPerSec(N, wLoop), wasmoon_vs_fengari: ratio(fLoop, wLoop) });
report({ bench: 'lua-vms', kind: 'host-calls', n: N, fengari_ops: opsPerSec(N, fHost), wasmoon_ops: opsPerSec(N, wHost), wasmoon_vs_fengari: ratio(fHost, wHost) });
w.global.close();

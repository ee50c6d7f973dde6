/**
 * One Lua interpreter per engine, set up as Redis 7.0 sets up its own
 * (script_lua.c, eval.c): the base, table, string and math libraries plus
 * bit, cjson, struct and cmsgpack; a `redis` table; a global table that
 * refuses new globals and errors on unknown ones; an error handler that
 * records where an error happened; a count hook that stops a runaway script.
 *
 * Compiled scripts live in the registry as `f_<sha>`, like Redis's.
 *
 * Globals: scripts see a proxy table G whose __index is the real globals
 * table R and whose __newindex raises "Attempt to modify a readonly table"
 * (Redis makes the table read-only inside its patched Lua). R's own
 * __index raises "Script attempted to access nonexistent global variable".
 * KEYS and ARGV are raw-set in R before each run.
 */
import { createHash } from 'node:crypto';
import type { Engine } from '../engine.ts';
import { formatDouble17g } from '../numbers.ts';
import { ErrorReply, type Reply } from '../reply.ts';
import type { Session } from '../session.ts';
import { luaToReply, pushErrorTable, pushReply } from './convert.ts';
import { COMPAT_LUA, openBit, openCjson, openRandom } from './libs.ts';
import { openCmsgpack } from './msgpack.ts';
import { openStruct } from './struct.ts';
import { lauxlib, lua, lualib, luaString, pushBinary, pushText, setField, setFunction, toBinary, type LuaState } from './lua.ts';

/** State of the script being run. */
export interface ScriptRun {
  readonly sha: string;
  readonly caller: Session;
  readonly readOnly: boolean;
  readonly startedAt: number;
  /** busy-reply-threshold in ms (0: never stop the script). */
  readonly thresholdMs: number;
  wrote: boolean;
  resp: 2 | 3;
  timedOut: boolean;
  warnedAt: number;
}

const ERROR_HANDLER = `
local dbg = debug
debug = nil
function __redis__err__handler(err)
  local i = dbg.getinfo(2,'nSl')
  if i and (i.what == 'C' or i.what == 'J') then
    i = dbg.getinfo(3,'nSl')
  end
  if type(err) ~= 'table' then
    err = {err='ERR ' .. tostring(err)}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
local raw_pcall = pcall
pcall = function(...)
  local r = table.pack(raw_pcall(...))
  if not r[1] and type(r[2]) == 'table' and type(r[2].err) == 'string' then
    return false, r[2].err
  end
  return table.unpack(r, 1, r.n)
end
`;

const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'];

export type ScriptLogger = (level: 'debug' | 'verbose' | 'notice' | 'warning', message: string) => void;

export class LuaVm {
  readonly L: LuaState;
  private run: ScriptRun | null = null;
  private readonly realGlobals: number;
  private readonly errorHandler: number;

  constructor(
    private readonly engine: Engine,
    /** The client scripts run commands as (Redis's lua_client). */
    private readonly client: Session,
    private readonly log: ScriptLogger,
  ) {
    const L = (this.L = lauxlib.luaL_newstate());
    const libs: Array<[string, unknown]> = [
      ['_G', lualib.luaopen_base],
      ['table', lualib.luaopen_table],
      ['string', lualib.luaopen_string],
      ['math', lualib.luaopen_math],
      ['debug', lualib.luaopen_debug],
    ];
    for (const [name, open] of libs) {
      lauxlib.luaL_requiref(L, luaString(name), open, 1);
      lua.lua_pop(L, 1);
    }
    for (const name of ['dofile', 'loadfile', 'print', 'load', 'require', 'collectgarbage']) {
      lua.lua_pushnil(L);
      lua.lua_setglobal(L, name);
    }
    pushText(L, 'Lua 5.1');
    lua.lua_setglobal(L, '_VERSION');
    openBit(L);
    openCjson(L);
    openStruct(L);
    openCmsgpack(L);
    openRandom(L);
    this.openRedis();
    this.exec(COMPAT_LUA, '@compat');
    this.exec(ERROR_HANDLER, '@err_handler_def');
    lua.lua_getglobal(L, '__redis__err__handler');
    this.errorHandler = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    this.realGlobals = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    this.protectGlobals();
  }

  private exec(source: string, name: string): void {
    const buf = Buffer.from(source, 'utf8');
    if (lauxlib.luaL_loadbufferx(this.L, buf, buf.length, luaString(name), null) !== 0 || lua.lua_pcall(this.L, 0, 0, 0) !== 0) {
      throw new Error(`Lua setup failed: ${toBinary(this.L, -1)}`);
    }
  }

  /** Compile `body` as f_<sha>. Returns null, or the compile error's text. */
  compile(sha: string, body: string, offset: number): string | null {
    const L = this.L;
    const buf = Buffer.from(body.slice(offset), 'latin1');
    if (lauxlib.luaL_loadbufferx(L, buf, buf.length, luaString('@user_script'), luaString('t')) !== 0) {
      // Lua 5.1 quotes the end-of-input token; 5.3 does not.
      const msg = (toBinary(L, -1) ?? 'unknown error').replace(/ near <eof>$/, " near '<eof>'");
      lua.lua_pop(L, 1);
      return msg;
    }
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, luaString(`f_${sha}`));
    return null;
  }

  /** Run f_<sha> with KEYS and ARGV; the reply the caller gets. */
  call(run: ScriptRun, keys: string[], args: string[]): Reply {
    const L = this.L;
    const top = lua.lua_gettop(L);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.errorHandler);
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, luaString(`f_${run.sha}`));
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.realGlobals);
    this.setArray('KEYS', keys);
    this.setArray('ARGV', args);
    lua.lua_pop(L, 1);
    this.run = run;
    this.client.resp = 2;
    if (run.thresholdMs > 0) lua.lua_sethook(L, this.countHook, lua.LUA_MASKCOUNT, 100000);
    let reply: Reply;
    try {
      const status = lua.lua_pcall(L, 0, 1, -2);
      reply = status === 0 ? luaToReply(L) : this.errorReply(run.sha);
    } finally {
      lua.lua_sethook(L, null, 0, 0);
      this.run = null;
      lua.lua_settop(L, top);
    }
    return reply;
  }

  private setArray(name: string, items: string[]): void {
    const L = this.L;
    pushText(L, name);
    lua.lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      pushBinary(L, items[i]);
      lua.lua_rawseti(L, -2, i + 1);
    }
    lua.lua_rawset(L, -3);
  }

  /** The error a failed script answers with, built as luaCallFunction builds it. */
  private errorReply(sha: string): ErrorReply {
    const L = this.L;
    if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
      const msg = (toBinary(L, -1) ?? 'execution failure').slice(0, 100);
      return new ErrorReply(`ERR Error running script ${sha}, ${msg} `.replace(/[\r\n]/g, ' '));
    }
    const field = (name: string): string | null => {
      lua.lua_getfield(L, -1, luaString(name));
      const v = lua.lua_type(L, -1) === lua.LUA_TSTRING || lua.lua_type(L, -1) === lua.LUA_TNUMBER ? toBinary(L, -1) : null;
      lua.lua_pop(L, 1);
      return v;
    };
    const msg = field('err') ?? '';
    const source = field('source');
    const line = field('line');
    const where = source !== null && line !== null ? ` script: ${sha}, on ${source}:${line}.` : '';
    return new ErrorReply((msg + where).replace(/[\r\n]/g, ' '));
  }

  /** Stops a script past busy-reply-threshold unless it already wrote (see scripting/index.ts). */
  private readonly countHook = (L: LuaState): void => {
    const run = this.run;
    if (run === null) return;
    const busy = `-BUSY Script killed: it ran for more than busy-reply-threshold (${run.thresholdMs} ms) without writing`;
    if (run.timedOut) {
      this.raise(L, busy);
      return;
    }
    const elapsed = performance.now() - run.startedAt;
    if (elapsed < run.thresholdMs) return;
    if (!run.wrote) {
      run.timedOut = true;
      this.log('warning', `Lua script ${run.sha} killed after ${Math.round(elapsed)} ms (busy-reply-threshold); it had not written, so the dataset is unchanged.`);
      // Raise on every line from now on, so a pcall inside the script cannot swallow it.
      lua.lua_sethook(L, this.countHook, lua.LUA_MASKLINE, 0);
      this.raise(L, busy);
      return;
    }
    if (elapsed - run.warnedAt >= run.thresholdMs) {
      run.warnedAt = elapsed;
      this.log('warning', `Slow script detected: ${run.sha} still running after ${Math.round(elapsed)} ms. It has written, so it cannot be stopped without breaking atomicity; every other client waits.`);
    }
  };

  /** Raise an error table; lua_error throws, so this never returns. */
  private raise(L: LuaState, error: string): number {
    pushErrorTable(L, error);
    return lua.lua_error(L) as number;
  }

  private openRedis(): void {
    const L = this.L;
    lua.lua_newtable(L);
    setFunction(L, 'call', (L) => this.redisCommand(L, true));
    setFunction(L, 'pcall', (L) => this.redisCommand(L, false));
    setFunction(L, 'sha1hex', (L) => {
      if (lua.lua_gettop(L) !== 1) return this.raise(L, 'wrong number of arguments');
      const s = toBinary(L, 1) ?? '';
      pushText(L, createHash('sha1').update(Buffer.from(s, 'latin1')).digest('hex'));
      return 1;
    });
    setFunction(L, 'error_reply', (L) => {
      if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) {
        pushErrorTable(L, 'wrong number or type of arguments');
        return 1;
      }
      const e = toBinary(L, -1) as string;
      pushErrorTable(L, e.startsWith('-') ? e : `-${e}`);
      return 1;
    });
    setFunction(L, 'status_reply', (L) => {
      if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) {
        pushErrorTable(L, 'wrong number or type of arguments');
        return 1;
      }
      lua.lua_createtable(L, 0, 1);
      pushText(L, 'ok');
      lua.lua_pushvalue(L, -3);
      lua.lua_rawset(L, -3);
      return 1;
    });
    setFunction(L, 'log', (L) => {
      const argc = lua.lua_gettop(L);
      if (argc < 2) return this.raise(L, 'redis.log() requires two arguments or more.');
      if (!lua.lua_isnumber(L, 1)) return this.raise(L, 'First argument must be a number (log level).');
      const level = lua.lua_tonumber(L, 1);
      if (!(level >= 0 && level <= 3)) return this.raise(L, 'Invalid debug level.');
      const parts: string[] = [];
      for (let i = 2; i <= argc; i++) {
        const s = toBinary(L, i);
        if (s !== null) parts.push(s);
      }
      this.log(LOG_LEVELS[Math.trunc(level)] as 'notice', parts.join(' '));
      return 0;
    });
    setFunction(L, 'setresp', (L) => {
      if (this.run === null) return this.raise(L, 'redis.setresp can only be called inside a script invocation');
      if (lua.lua_gettop(L) !== 1) return this.raise(L, 'redis.setresp() requires one argument.');
      const resp = lua.lua_tonumber(L, -1);
      if (resp !== 2 && resp !== 3) return this.raise(L, 'RESP version must be 2 or 3.');
      this.run.resp = resp;
      this.client.resp = resp;
      return 0;
    });
    setFunction(L, 'set_repl', (L) => {
      if (this.run === null) return this.raise(L, 'redis.set_repl can only be called inside a script invocation');
      if (lua.lua_gettop(L) !== 1) return this.raise(L, 'redis.set_repl() requires two arguments.');
      const flags = lua.lua_tonumber(L, -1);
      if (!(flags >= 0 && flags <= 3) || !Number.isInteger(flags)) {
        return this.raise(L, 'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
      }
      return 0;
    });
    setFunction(L, 'replicate_commands', (L) => (lua.lua_pushboolean(L, true), 1));
    setFunction(L, 'breakpoint', (L) => (lua.lua_pushboolean(L, false), 1));
    setFunction(L, 'debug', () => 0);
    const constants: Array<[string, number]> = [
      ['LOG_DEBUG', 0], ['LOG_VERBOSE', 1], ['LOG_NOTICE', 2], ['LOG_WARNING', 3],
      ['REPL_NONE', 0], ['REPL_AOF', 1], ['REPL_SLAVE', 2], ['REPL_REPLICA', 2], ['REPL_ALL', 3],
      ['REDIS_VERSION_NUM', 0x07000f],
    ];
    for (const [name, value] of constants) setField(L, name, () => lua.lua_pushinteger(L, value));
    setField(L, 'REDIS_VERSION', () => pushText(L, '7.0.15'));
    lua.lua_setglobal(L, 'redis');
  }

  /** redis.call (raise = true) and redis.pcall, as luaRedisGenericCommand runs them. */
  private redisCommand(L: LuaState, raise: boolean): number {
    const fail = (error: string): number => {
      pushErrorTable(L, error);
      return raise ? lua.lua_error(L) : 1;
    };
    const run = this.run;
    if (run === null) return fail('redis.call/pcall can only be called inside a script invocation');
    const argc = lua.lua_gettop(L);
    if (argc === 0) return fail('Please specify at least one argument for this redis lib call');
    const argv: string[] = [];
    for (let j = 1; j <= argc; j++) {
      const t = lua.lua_type(L, j);
      if (t === lua.LUA_TNUMBER) argv.push(formatArgNumber(lua.lua_tonumber(L, j)));
      else if (t === lua.LUA_TSTRING) argv.push(toBinary(L, j) as string);
      else break;
    }
    lua.lua_settop(L, 0);
    if (argv.length !== argc) return fail('Lua redis lib command arguments must be strings or integers');
    const cmd = this.engine.lookup(argv);
    if (cmd instanceof ErrorReply || (cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) {
      return fail(cmd instanceof ErrorReply ? 'Unknown Redis command called from script' : 'Wrong number of args calling Redis command from script');
    }
    if (cmd.flags.includes('noscript')) return fail('This Redis command is not allowed from script');
    const writes = cmd.flags.includes('write');
    if (run.readOnly && writes) return fail('Write commands are not allowed from read-only scripts.');
    if (writes) run.wrote = true;
    const reply = this.engine.call(this.client, cmd, argv);
    if (reply instanceof Promise) return fail('ERR a blocking command cannot run inside a script');
    if (reply instanceof ErrorReply) return fail(`-${reply.message}`);
    pushReply(L, reply, run.resp);
    return 1;
  }

  private protectGlobals(): void {
    const L = this.L;
    // R's metatable: unknown names are errors.
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    lua.lua_newtable(L);
    setFunction(L, '__index', (L) => {
      const name = toBinary(L, 2) ?? '?';
      lauxlib.luaL_where(L, 1);
      pushBinary(L, `Script attempted to access nonexistent global variable '${name}'`);
      lua.lua_concat(L, 2);
      return lua.lua_error(L);
    });
    lua.lua_setmetatable(L, -2);
    // G: reads fall through to R; writes are refused.
    lua.lua_newtable(L);
    lua.lua_newtable(L);
    lua.lua_pushvalue(L, -3);
    lua.lua_setfield(L, -2, luaString('__index'));
    setFunction(L, '__newindex', (L) => {
      lauxlib.luaL_where(L, 1);
      pushText(L, 'Attempt to modify a readonly table');
      lua.lua_concat(L, 2);
      return lua.lua_error(L);
    });
    lua.lua_pushboolean(L, false);
    lua.lua_setfield(L, -2, luaString('__metatable'));
    lua.lua_setmetatable(L, -2);
    // R._G = G, and G becomes the globals every chunk loaded from now on sees.
    lua.lua_pushvalue(L, -1);
    lua.lua_setfield(L, -3, luaString('_G'));
    lua.lua_rawseti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    lua.lua_pop(L, 1);
  }
}

/** Numbers become arguments with %.17g, as luaArgsToRedisArgv does. */
function formatArgNumber(n: number): string {
  if (Number.isInteger(n) && n !== 0 && Math.abs(n) < 1e17) return String(n);
  return formatDouble17g(n);
}

/**
 * Conversions between engine replies and Lua values, by Redis's rules
 * (script_lua.c: redisProtocolToLuaType and luaReplyToRedisReply).
 *
 *   reply -> Lua (RESP2, the default)      Lua -> reply
 *   integer        number                  number     integer (truncated)
 *   bulk           string                  string     bulk
 *   nil bulk/array false                   false      nil bulk; true: 1
 *   status         {ok = s}                {ok = s}   status
 *   error          {err = s}               {err = s}  error
 *   array          table (1..n)            table      array, up to the first nil
 *                                          {double=n} double; {map=t}, {set=t}
 *   With redis.setresp(3): map {map = t}, set {set = t}, double
 *   {double = n}, null nil.
 */
import {
  DoubleReply,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  PairsReply,
  PushReply,
  SetReply,
  SimpleString,
  type Reply,
} from '../reply.ts';
import { formatDouble17g } from '../numbers.ts';
import { lua, pushBinary, pushText, toBinary, type LuaState } from './lua.ts';

/** Push an error table {err = "CODE message"}, as luaPushErrorBuff builds it. */
export function pushErrorTable(L: LuaState, error: string): void {
  let code = 'ERR';
  let msg = error;
  if (error.startsWith('-')) {
    const sp = error.indexOf(' ');
    if (sp < 0) msg = error.slice(1);
    else {
      code = error.slice(1, sp);
      msg = error.slice(sp + 1);
    }
  }
  msg = msg.replace(/^[\r\n]+|[\r\n]+$/g, '');
  lua.lua_createtable(L, 0, 1);
  pushText(L, 'err');
  pushBinary(L, `${code} ${msg}`);
  lua.lua_rawset(L, -3);
}

function pushSingleField(L: LuaState, field: string, push: () => void): void {
  lua.lua_createtable(L, 0, 1);
  pushText(L, field);
  push();
  lua.lua_rawset(L, -3);
}

function pushArray(L: LuaState, items: Reply[], resp: 2 | 3): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushReply(L, items[i], resp);
    lua.lua_rawseti(L, -2, i + 1);
  }
}

/** Push a command's reply as the Lua value redis.call returns. */
export function pushReply(L: LuaState, r: Reply, resp: 2 | 3): void {
  if (typeof r === 'string') return pushBinary(L, r);
  if (typeof r === 'number') return lua.lua_pushnumber(L, r);
  if (typeof r === 'bigint') return lua.lua_pushnumber(L, Number(r));
  if (r === null || r === NULL_ARRAY) {
    if (resp === 3) lua.lua_pushnil(L);
    else lua.lua_pushboolean(L, false);
    return;
  }
  if (Array.isArray(r)) return pushArray(L, r, resp);
  if (r instanceof SimpleString) return pushSingleField(L, 'ok', () => pushBinary(L, r.value));
  if (r instanceof ErrorReply) return pushErrorTable(L, `-${r.message}`);
  if (r instanceof DoubleReply) {
    if (resp === 3) return pushSingleField(L, 'double', () => lua.lua_pushnumber(L, r.value));
    return pushBinary(L, formatDouble17g(r.value));
  }
  if (r instanceof PairsReply) {
    if (resp === 2) return pushArray(L, r.entries, resp);
    const pairs: Reply[] = [];
    for (let i = 0; i < r.entries.length; i += 2) pairs.push([r.entries[i], r.entries[i + 1]]);
    return pushArray(L, pairs, resp);
  }
  if (r instanceof MapReply) {
    if (resp === 2) {
      if (!r.resp2Pairs) return pushArray(L, r.entries, resp);
      const pairs: Reply[] = [];
      for (let i = 0; i < r.entries.length; i += 2) pairs.push([r.entries[i], r.entries[i + 1]]);
      return pushArray(L, pairs, resp);
    }
    return pushSingleField(L, 'map', () => {
      lua.lua_createtable(L, 0, r.entries.length / 2);
      for (let i = 0; i < r.entries.length; i += 2) {
        pushReply(L, r.entries[i], resp);
        pushReply(L, r.entries[i + 1], resp);
        lua.lua_rawset(L, -3);
      }
    });
  }
  if (r instanceof SetReply) {
    if (resp === 2) return pushArray(L, r.items, resp);
    return pushSingleField(L, 'set', () => {
      lua.lua_createtable(L, 0, r.items.length);
      for (const item of r.items) {
        pushReply(L, item, resp);
        lua.lua_pushboolean(L, true);
        lua.lua_rawset(L, -3);
      }
    });
  }
  if (r instanceof PushReply) return pushArray(L, r.items, resp);
  lua.lua_pushboolean(L, false);
}

/** The string field `name` of the table at `idx`, or null. */
function stringField(L: LuaState, idx: number, name: string): string | null {
  pushText(L, name);
  lua.lua_rawget(L, idx < 0 ? idx - 1 : idx);
  const v = lua.lua_type(L, -1) === lua.LUA_TSTRING ? toBinary(L, -1) : null;
  lua.lua_pop(L, 1);
  return v;
}

function tableField(L: LuaState, name: string): boolean {
  pushText(L, name);
  lua.lua_rawget(L, -2);
  if (lua.lua_type(L, -1) === lua.LUA_TTABLE) return true;
  lua.lua_pop(L, 1);
  return false;
}

/** Convert (without popping) the value at the top of the stack to a reply. */
export function luaToReply(L: LuaState, depth = 0): Reply {
  if (depth > 1000) return new ErrorReply('ERR reached lua stack limit');
  if (!lua.lua_checkstack(L, 4)) return new ErrorReply('ERR reached lua stack limit');
  switch (lua.lua_type(L, -1)) {
    case lua.LUA_TSTRING:
      return toBinary(L, -1) as string;
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, -1) ? 1 : null;
    case lua.LUA_TNUMBER:
      return toLongLong(lua.lua_tonumber(L, -1));
    case lua.LUA_TTABLE:
      return tableToReply(L, depth);
    default:
      return null;
  }
}

/** C's (long long) cast of a double, kept within the integer range. */
function toLongLong(n: number): number | bigint {
  if (Number.isNaN(n)) return -9223372036854775808n;
  const t = Math.trunc(n);
  if (Number.isSafeInteger(t)) return t;
  if (t >= 9223372036854775807) return -9223372036854775808n;
  if (t <= -9223372036854775808) return -9223372036854775808n;
  return BigInt(t);
}

function tableToReply(L: LuaState, depth: number): Reply {
  const err = stringField(L, -1, 'err');
  if (err !== null) return new ErrorReply(err);
  const ok = stringField(L, -1, 'ok');
  if (ok !== null) return new SimpleString(ok.replace(/[\r\n]/g, ' '));
  pushText(L, 'double');
  lua.lua_rawget(L, -2);
  if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
    const d = lua.lua_tonumber(L, -1);
    lua.lua_pop(L, 1);
    return new DoubleReply(d);
  }
  lua.lua_pop(L, 1);
  const big = stringField(L, -1, 'big_number');
  if (big !== null) return big.replace(/[\r\n]/g, ' ');
  if (tableField(L, 'map')) {
    const entries: Reply[] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2) !== 0) {
      lua.lua_pushvalue(L, -2);
      entries.push(luaToReply(L, depth + 1));
      lua.lua_pop(L, 1);
      entries.push(luaToReply(L, depth + 1));
      lua.lua_pop(L, 1);
    }
    lua.lua_pop(L, 1);
    return new MapReply(entries);
  }
  if (tableField(L, 'set')) {
    const items: Reply[] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2) !== 0) {
      lua.lua_pop(L, 1);
      items.push(luaToReply(L, depth + 1));
    }
    lua.lua_pop(L, 1);
    return new SetReply(items);
  }
  const items: Reply[] = [];
  for (let j = 1; ; j++) {
    lua.lua_rawgeti(L, -1, j);
    if (lua.lua_type(L, -1) === lua.LUA_TNIL) {
      lua.lua_pop(L, 1);
      break;
    }
    items.push(luaToReply(L, depth + 1));
    lua.lua_pop(L, 1);
  }
  return items;
}

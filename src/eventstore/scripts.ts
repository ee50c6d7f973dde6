/**
 * The event store's Lua scripts. Each touches the keys of one stream and
 * its partition's log: one hash tag, one Cluster slot (keys.ts).
 */
import { defineScript } from '../client/script.ts';

/**
 * append: KEYS meta, events, ids, log. ARGV stream, expected, n, then n
 * times (id, tracked, type, data, meta). Only ids the caller chose
 * (tracked = '1') are remembered for idempotency: a generated id is new on
 * every call, so remembering it would only cost memory. The event's time is
 * its log entry's ID (the server's clock), so no TIME call.
 * Replies {'ok', "<v> <logId>"...} | {'dup', "<v> <logId>"...} |
 * {'conflict', version} | {'deleted', version} | {'mismatch', eventId}.
 */
export const APPEND = defineScript(
  'brook-es-append',
  4,
  `local meta, events, ids, log = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local stream, expected, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
-- Idempotency: a retried append finds its first id and answers the original positions.
if ARGV[5] == '1' and redis.call('HEXISTS', ids, ARGV[4]) == 1 then
  local out = {'dup'}
  for i = 0, n - 1 do
    local pos = ARGV[5 + i * 5] == '1' and redis.call('HGET', ids, ARGV[4 + i * 5])
    if not pos then return {'mismatch', ARGV[4 + i * 5]} end
    out[#out + 1] = pos
  end
  return out
end
for i = 1, n - 1 do
  if ARGV[5 + i * 5] == '1' and redis.call('HEXISTS', ids, ARGV[4 + i * 5]) == 1 then return {'mismatch', ARGV[4 + i * 5]} end
end
local state = redis.call('HMGET', meta, 'v', 'deleted')
local cur = tonumber(state[1]) or 0
if state[2] == '1' then return {'deleted', tostring(cur)} end
local ok
if expected == 'any' then ok = true
elseif expected == 'no-stream' then ok = cur == 0
elseif expected == 'exists' then ok = cur > 0
else ok = tonumber(expected) == cur end
if not ok then return {'conflict', tostring(cur)} end
local out = {'ok'}
for i = 0, n - 1 do
  local b = 4 + i * 5
  local id, ty, data, md = ARGV[b], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4]
  local v = tostring(cur + 1 + i)
  local logId = redis.call('XADD', log, '*', 's', stream, 'v', v, 'id', id, 'type', ty, 'data', data, 'meta', md)
  redis.call('XADD', events, '0-' .. v, 'id', id, 'type', ty, 'data', data, 'meta', md, 'log', logId)
  if ARGV[b + 1] == '1' then redis.call('HSET', ids, id, v .. ' ' .. logId) end
  out[#out + 1] = v .. ' ' .. logId
end
redis.call('HSET', meta, 'v', tostring(cur + n))
return out`,
);

/**
 * delete: KEYS meta, events, ids, snapshot. ARGV expected. Removes the
 * stream's events and keeps a tombstone; the global log keeps its copies,
 * so readers of the log are unaffected.
 * Replies {'ok', version} | {'conflict', version} | {'deleted', version}.
 */
export const DELETE = defineScript(
  'brook-es-delete',
  4,
  `local state = redis.call('HMGET', KEYS[1], 'v', 'deleted')
local cur = tonumber(state[1]) or 0
if state[2] == '1' then return {'deleted', tostring(cur)} end
local expected = ARGV[1]
local ok
if expected == 'any' then ok = true
elseif expected == 'no-stream' then ok = cur == 0
elseif expected == 'exists' then ok = cur > 0
else ok = tonumber(expected) == cur end
if not ok then return {'conflict', tostring(cur)} end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
redis.call('HSET', KEYS[1], 'v', tostring(cur), 'deleted', '1')
return {'ok', tostring(cur)}`,
);

/** snapshot: KEYS snapshot. ARGV version, state, evolve, ts. Keeps the newest of one evolve version. */
export const SAVE_SNAPSHOT = defineScript(
  'brook-es-snapshot',
  1,
  `local cur = redis.call('HMGET', KEYS[1], 'version', 'evolve')
if cur[1] and cur[2] == ARGV[3] and tonumber(cur[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'state', ARGV[2], 'evolve', ARGV[3], 'ts', ARGV[4])
return 1`,
);

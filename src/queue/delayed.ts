/**
 * Delayed messages. A message sent with `delayMs` or `at` waits in the
 * partition's sorted set `<stream>:delayed` (same hash tag), scored by the
 * time it is due; consumers promote due messages into the stream with one
 * script per partition (ZRANGEBYSCORE up to the server's TIME, XADD each,
 * ZREM), so two consumers never promote the same message twice and a
 * message is either still waiting or in the stream, never both or neither.
 *
 * A member is `<unique id>` + newline + the entry's fields as JSON, so two
 * identical payloads scheduled for the same time stay two messages.
 */
import type { Connection } from '../client/connection.ts';
import { defineScript } from '../client/script.ts';

/** KEYS delayed. ARGV dueMs, member. */
const SCHEDULE = defineScript('brook-schedule', 1, `return redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])`);

/** KEYS delayed, stream. ARGV max. Replies the number promoted. */
const PROMOTE = defineScript(
  'brook-promote',
  2,
  `local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, member in ipairs(due) do
  local nl = string.find(member, '\\n', 1, true)
  local fields = cjson.decode(string.sub(member, nl + 1))
  redis.call('XADD', KEYS[2], '*', unpack(fields))
  redis.call('ZREM', KEYS[1], member)
end
return #due`,
);

export function delayedKey(stream: string): string {
  return `${stream}:delayed`;
}

export async function schedule(conn: Connection, stream: string, dueMs: number, fields: string[]): Promise<string> {
  const id = crypto.randomUUID();
  await conn.script(SCHEDULE, [delayedKey(stream)], [Math.floor(dueMs), `${id}\n${JSON.stringify(fields)}`]);
  return id;
}

/** Move due messages of one partition into its stream; returns how many moved. */
export async function promoteDue(conn: Connection, stream: string, max = 500): Promise<number> {
  return (await conn.script(PROMOTE, [delayedKey(stream), stream], [max])) as number;
}

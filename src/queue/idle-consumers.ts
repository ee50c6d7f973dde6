/**
 * Consumers that come and go: a consumer's name stays in its group's list
 * after its process is gone. Now and then every live consumer removes, per
 * partition, the members with nothing pending that have been idle for
 * `forgetIdleConsumersMs`. The check and XGROUP DELCONSUMER are one script,
 * so a member with pending entries is never removed (that would drop them
 * from the pending list): a crashed consumer's entries are first reclaimed
 * by the others (claimIdleMs), then its name goes. A removed name that reads
 * again is simply added again by Redis.
 */
import type { Connection } from '../client/connection.ts';
import { isRedisReplyError } from '../client/errors.ts';
import { defineScript } from '../client/script.ts';
import { LUA_FIELDS } from './lua.ts';

/** KEYS stream. ARGV group, min idle (ms), the caller's own name (never removed). Replies the names removed. */
const FORGET_IDLE = defineScript(
  'brook-forget-idle-consumers',
  1,
  `${LUA_FIELDS}local gone = {}
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local f = fields(c)
  local name, pending, idle = f['name'], f['pending'], f['idle']
  if pending == 0 and idle >= tonumber(ARGV[2]) and name ~= ARGV[3] then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    gone[#gone + 1] = name
  end
end
return gone`,
);

/** Remove the idle members of `group` on `stream` that have nothing pending; the names removed (none if the group is not there). */
export async function forgetIdleConsumers(conn: Connection, stream: string, group: string, minIdleMs: number, self: string): Promise<string[]> {
  try {
    return (await conn.script(FORGET_IDLE, [stream], [group, minIdleMs, self])) as string[];
  } catch (e) {
    if (isRedisReplyError(e, 'NOGROUP') || /no such key/i.test(String((e as Error).message))) return [];
    throw e;
  }
}

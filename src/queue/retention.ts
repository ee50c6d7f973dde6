/**
 * Safe retention: trim a topic's partitions to a policy (max length, max
 * age) without ever removing an entry that some group has not yet read or
 * not yet acknowledged.
 *
 * Redis 7.0 has no trimming that respects groups (8.2 adds it), so one Lua
 * script per partition computes the cut-off from the groups' state and
 * trims in the same step (nothing can change in between):
 *
 *   keep from = min( policy cut-off,
 *                    for each group: min(first pending ID, first entry after last-delivered-id) )
 *
 * `preview()` runs the same computation without trimming.
 */
import type { Connection } from '../client/connection.ts';
import { defineScript } from '../client/script.ts';
import { badOption } from './errors.ts';
import { LUA_FIELDS } from './lua.ts';
import type { Topic } from './topic.ts';

export interface RetentionPolicy {
  /** Keep at most this many entries per partition. */
  maxLen?: number;
  /** Remove entries older than this (ms). */
  maxAgeMs?: number;
}

export interface TrimResult {
  partition: number;
  /** Entries removed (or that would be, for a preview). */
  removed: number;
  /** The first ID kept ('' when nothing is to be removed). */
  keepFrom: string;
  /** What set the cut-off: 'policy', or 'group:<name>' when a group held entries back. */
  limitedBy: string;
}

/**
 * KEYS stream. ARGV maxLen | '', minId by age | '', dryRun '1' | '0'.
 * The groups' cut-off comes first (the first entry any group has not read
 * or not acked), so a stuck group costs the look-up of the entries before
 * it, not of the whole backlog behind it.
 */
const SAFE_TRIM = defineScript(
  'brook-safe-trim',
  1,
  `${LUA_FIELDS}local key, maxLen, ageId, dry = KEYS[1], ARGV[1], ARGV[2], ARGV[3] == '1'
local function lt(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if #am ~= #bm then return #am < #bm end
  if am ~= bm then return am < bm end
  if #as ~= #bs then return #as < #bs end
  return as < bs
end
-- The ID just past 'id': seq + 1, on the decimal text (a Lua number prints 1e+14 from there on).
local function justPast(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  local i = #seq
  while i > 0 and string.sub(seq, i, i) == '9' do i = i - 1 end
  if i == 0 then return ms .. '-1' .. string.rep('0', #seq) end
  return ms .. '-' .. string.sub(seq, 1, i - 1) .. (tonumber(string.sub(seq, i, i)) + 1) .. string.rep('0', #seq - i)
end
if redis.call('EXISTS', key) == 0 then return {0, '', 'policy'} end
-- The groups' cut-off: the first entry some group has not read, or has read and not acked.
local gcut, gby
for _, g in ipairs(redis.call('XINFO', 'GROUPS', key)) do
  local f = fields(g)
  local name, last, pending = f['name'], f['last-delivered-id'], f['pending']
  local unread = redis.call('XRANGE', key, '(' .. last, '+', 'COUNT', 1)[1]
  local cut = unread and unread[1] or justPast(last)
  if pending > 0 then
    local p = redis.call('XPENDING', key, name)
    if lt(p[2], cut) then cut = p[2] end
  end
  if not gcut or lt(cut, gcut) then gcut = cut; gby = 'group:' .. name end
end
-- The policy's cut-off, looking no further than the groups'.
local keep, heldBack = '0-0', false
local len = redis.call('XLEN', key)
if maxLen ~= '' and len > tonumber(maxLen) then
  local k = len - tonumber(maxLen)
  if k == len then
    keep = justPast(redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)[1][1])
  else
    local r = redis.call('XRANGE', key, '-', gcut and ('(' .. gcut) or '+', 'COUNT', k + 1)
    -- fewer than k + 1 before the groups' cut-off: the policy's is past it, the groups hold it back
    if r[k + 1] then keep = r[k + 1][1] else keep, heldBack = gcut, true end
  end
end
if ageId ~= '' and lt(keep, ageId) then keep, heldBack = ageId, false end
if keep == '0-0' then return {0, '', 'policy'} end
local by = heldBack and gby or 'policy'
if gcut and lt(gcut, keep) then keep = gcut; by = gby end
local n
if dry then n = #redis.call('XRANGE', key, '-', '(' .. keep) else n = redis.call('XTRIM', key, 'MINID', keep) end
return {n, keep, by}`,
);

export class Retention {
  constructor(
    readonly topic: Topic<unknown>,
    private readonly connection: Connection,
    private readonly policy: RetentionPolicy,
  ) {
    if (!connection) badOption('Retention needs a connection');
    const { maxLen, maxAgeMs } = policy ?? {};
    if (maxLen === undefined && maxAgeMs === undefined) badOption('Retention needs maxLen or maxAgeMs');
    if (maxLen !== undefined && (!Number.isInteger(maxLen) || maxLen < 0)) badOption(`maxLen must be an integer >= 0, got ${maxLen}`);
    if (maxAgeMs !== undefined && !(Number.isInteger(maxAgeMs) && maxAgeMs > 0)) badOption(`maxAgeMs must be a whole number of ms > 0, got ${maxAgeMs}`);
  }

  /** What apply() would remove now, per partition. */
  preview(): Promise<TrimResult[]> {
    return this.run(true);
  }

  /** Trim every partition as far as the policy and the groups allow. */
  apply(): Promise<TrimResult[]> {
    return this.run(false);
  }

  /** Trim one partition (or, `dry`, say what that would remove). */
  async partition(p: number, dry = false): Promise<TrimResult> {
    const { maxLen, maxAgeMs } = this.policy;
    const ageId = maxAgeMs === undefined ? '' : `${Math.max(0, Date.now() - maxAgeMs)}-0`;
    const [removed, keepFrom, limitedBy] = (await this.connection.script(SAFE_TRIM, [this.topic.stream(p)], [
      maxLen ?? '', ageId, dry ? '1' : '0',
    ])) as [number, string, string];
    return { partition: p, removed, keepFrom, limitedBy };
  }

  private async run(dry: boolean): Promise<TrimResult[]> {
    const out: TrimResult[] = [];
    for (let p = 0; p < this.topic.partitions; p++) out.push(await this.partition(p, dry));
    return out;
  }
}

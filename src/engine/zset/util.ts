/** Shared steps of the sorted set commands. */
import type { Context } from '../command.ts';
import { DoubleReply, PairsReply, ErrorReply, type Reply } from '../reply.ts';
import type { ZSetValue } from '../types.ts';
import { SortedSet } from './sorted-set.ts';

export function zsetForWrite(ctx: Context, key: string, create: boolean): ZSetValue | undefined | ErrorReply {
  const z = ctx.db.lookupTyped(key, 'zset');
  if (z !== undefined || !create) return z;
  const created: ZSetValue = { type: 'zset', zset: new SortedSet() };
  ctx.db.add(key, created);
  return created;
}

/** After removing members: delete an emptied set, invalidate WATCH, count the change. */
export function zsetRemoved(ctx: Context, key: string, z: ZSetValue, n: number): void {
  if (n === 0) return;
  if (z.zset.size === 0) ctx.db.delete(key);
  else ctx.db.touch(key);
  ctx.dirty(n);
}

/** Members, with their scores when asked: flat in RESP2, [member, score] pairs in RESP3. */
export function membersReply(items: Array<[string, number]>, withScores: boolean): Reply {
  if (!withScores) return items.map(([m]) => m);
  const out: Reply[] = [];
  for (const [m, s] of items) out.push(m, new DoubleReply(s));
  return new PairsReply(out);
}

import { command, type Context } from '../command.ts';
import type { Reply } from '../reply.ts';

/** TTL/PTTL: -2 missing key, -1 no deadline, else the time left (seconds rounded as Redis). */
export function ttlGeneric(ctx: Context, key: string, ms: boolean): Reply {
  if (ctx.db.lookup(key) === undefined) return -2;
  const when = ctx.db.getExpire(key);
  if (when === -1) return -1;
  let left = when - ctx.now;
  if (left < 0) left = 0;
  return ms ? left : Math.floor((left + 500) / 1000);
}

/** TTL key */
export const ttl = command({
  name: 'ttl',
  arity: 2,
  flags: ['readonly', 'fast'],
  run: (ctx, argv) => ttlGeneric(ctx, argv[1], false),
});

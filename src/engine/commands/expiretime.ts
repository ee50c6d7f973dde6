import { command, type Context } from '../command.ts';
import type { Reply } from '../reply.ts';

/** EXPIRETIME/PEXPIRETIME: -2 missing, -1 no deadline, else the absolute deadline. */
export function expireTimeGeneric(ctx: Context, key: string, ms: boolean): Reply {
  if (ctx.db.lookup(key) === undefined) return -2;
  const when = ctx.db.getExpire(key);
  if (when === -1) return -1;
  return ms ? when : Math.floor((when + 500) / 1000);
}

/** EXPIRETIME key */
export const expiretime = command({
  name: 'expiretime',
  arity: 2,
  flags: ['readonly', 'fast'],
  run: (ctx, argv) => expireTimeGeneric(ctx, argv[1], false),
});

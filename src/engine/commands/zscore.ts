/** ZSCORE key member, ZCARD key, ZRANK / ZREVRANK key member. */
import { command } from '../command.ts';
import { DoubleReply, ErrorReply } from '../reply.ts';

export const zscore = command({
  name: 'zscore',
  arity: 3,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const z = ctx.db.lookupTyped(argv[1], 'zset');
    if (z instanceof ErrorReply) return z;
    const s = z?.zset.score(argv[2]);
    return s === undefined ? null : new DoubleReply(s);
  },
});

export const zcard = command({
  name: 'zcard',
  arity: 2,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const z = ctx.db.lookupTyped(argv[1], 'zset');
    if (z instanceof ErrorReply) return z;
    return z === undefined ? 0 : z.zset.size;
  },
});

const rank = (name: string, reverse: boolean) =>
  command({
    name,
    arity: 3,
    flags: ['readonly', 'fast'],
    run(ctx, argv) {
      const z = ctx.db.lookupTyped(argv[1], 'zset');
      if (z instanceof ErrorReply) return z;
      return z?.zset.rank(argv[2], reverse) ?? null;
    },
  });

export const zrank = rank('zrank', false);
export const zrevrank = rank('zrevrank', true);

/** ZREM key member [member ...], ZCOUNT key min max, ZREMRANGEBYSCORE key min max. */
import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';
import { inScoreRange, parseScoreRange } from '../zset/ranges.ts';
import { zsetRemoved } from '../zset/util.ts';

export const zrem = command({
  name: 'zrem',
  arity: -3,
  flags: ['write', 'fast'],
  run(ctx, argv) {
    const z = ctx.db.lookupTyped(argv[1], 'zset');
    if (z instanceof ErrorReply) return z;
    if (z === undefined) return 0;
    let n = 0;
    for (let i = 2; i < argv.length; i++) if (z.zset.delete(argv[i])) n++;
    zsetRemoved(ctx, argv[1], z, n);
    return n;
  },
});

export const zcount = command({
  name: 'zcount',
  arity: 4,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const r = parseScoreRange(argv[2], argv[3]);
    if (r instanceof ErrorReply) return r;
    const z = ctx.db.lookupTyped(argv[1], 'zset');
    if (z instanceof ErrorReply) return z;
    if (z === undefined) return 0;
    let n = 0;
    for (const [, s] of z.zset.walk()) {
      if (inScoreRange(s, r)) n++;
      else if (n > 0) break;
    }
    return n;
  },
});

export const zremrangebyscore = command({
  name: 'zremrangebyscore',
  arity: 4,
  flags: ['write'],
  run(ctx, argv) {
    const r = parseScoreRange(argv[2], argv[3]);
    if (r instanceof ErrorReply) return r;
    const z = ctx.db.lookupTyped(argv[1], 'zset');
    if (z instanceof ErrorReply) return z;
    if (z === undefined) return 0;
    const doomed: string[] = [];
    for (const [m, s] of z.zset.walk()) {
      if (inScoreRange(s, r)) doomed.push(m);
      else if (doomed.length > 0) break;
    }
    for (const m of doomed) z.zset.delete(m);
    zsetRemoved(ctx, argv[1], z, doomed.length);
    return doomed.length;
  },
});

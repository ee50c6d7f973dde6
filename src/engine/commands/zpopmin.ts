/**
 * ZPOPMIN / ZPOPMAX key [count]: [member, score, ...] from the low or high
 * end. BZPOPMIN / BZPOPMAX key [key ...] timeout: [key, member, score],
 * blocking until a ZADD (propagated as ZPOPMIN/ZPOPMAX key, as Redis does).
 */
import { Block, command, type Context } from '../command.ts';
import { err, wrongArity } from '../errors.ts';
import { timeoutArg } from '../list/util.ts';
import { string2llNum } from '../numbers.ts';
import { DoubleReply, ErrorReply, NULL_ARRAY, type Reply } from '../reply.ts';
import { membersReply, zsetRemoved } from '../zset/util.ts';

function popN(ctx: Context, key: string, max: boolean, count: number): Array<[string, number]> | ErrorReply | undefined {
  const z = ctx.db.lookupTyped(key, 'zset');
  if (z instanceof ErrorReply || z === undefined) return z;
  const out: Array<[string, number]> = [];
  for (const pair of z.zset.walk(max)) {
    if (out.length >= count) break;
    out.push(pair);
  }
  for (const [m] of out) z.zset.delete(m);
  zsetRemoved(ctx, key, z, out.length);
  return out;
}

function zpop(ctx: Context, argv: string[], max: boolean): Reply {
  if (argv.length > 3) return wrongArity(argv[0]);
  let count = 1;
  if (argv.length === 3) {
    const n = string2llNum(argv[2]);
    // getPositiveLongFromObjectOrReply: one message for both failures.
    if (n === null || n < 0) return err('ERR value is out of range, must be positive');
    count = n;
  }
  const r = popN(ctx, argv[1], max, count);
  if (r instanceof ErrorReply) return r;
  if (r === undefined) return [];
  // With a count, RESP3 nests the pairs; without, one flat member, score.
  return argv.length === 3 ? membersReply(r, true) : r.flatMap(([m, s]) => [m, new DoubleReply(s)]);
}

function bzpop(ctx: Context, argv: string[], max: boolean): Reply | Block {
  const timeout = timeoutArg(argv[argv.length - 1]);
  if (timeout instanceof ErrorReply) return timeout;
  const keys = argv.slice(1, -1);
  const serve = (c: Context, key: string): Reply | undefined => {
    const v = c.db.lookup(key);
    if (v === undefined || typeof v === 'string' || v.type !== 'zset') return undefined;
    const r = popN(c, key, max, 1) as Array<[string, number]>;
    c.propagate([max ? 'ZPOPMAX' : 'ZPOPMIN', key]);
    return [key, r[0][0], new DoubleReply(r[0][1])];
  };
  for (const key of keys) {
    const z = ctx.db.lookupTyped(key, 'zset');
    if (z instanceof ErrorReply) return z;
    if (z !== undefined) return serve(ctx, key) as Reply;
  }
  ctx.suppressPropagation();
  return new Block(keys, timeout, serve, () => NULL_ARRAY);
}

export const zpopmin = command({ name: 'zpopmin', arity: -2, flags: ['write', 'fast'], run: (ctx, argv) => zpop(ctx, argv, false) });
export const zpopmax = command({ name: 'zpopmax', arity: -2, flags: ['write', 'fast'], run: (ctx, argv) => zpop(ctx, argv, true) });
const keysToLast = { firstKey: 1, lastKey: -2, step: 1 };
export const bzpopmin = command({ name: 'bzpopmin', arity: -3, flags: ['write', 'fast', 'blocking'], ...keysToLast, run: (ctx, argv) => bzpop(ctx, argv, false) });
export const bzpopmax = command({ name: 'bzpopmax', arity: -3, flags: ['write', 'fast', 'blocking'], ...keysToLast, run: (ctx, argv) => bzpop(ctx, argv, true) });

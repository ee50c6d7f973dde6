/**
 * BLPOP / BRPOP key [key ...] timeout, BLMOVE source destination LEFT|RIGHT
 * LEFT|RIGHT timeout, BRPOPLPUSH source destination timeout. Served at
 * once when a list has elements (propagated as LPOP/RPOP/LMOVE, as Redis
 * rewrites them); otherwise the client blocks until a push (FIFO), its
 * timeout (null reply) or, inside MULTI or a script, answers at once.
 */
import { Block, command, type Context } from '../command.ts';
import { SYNTAX } from '../errors.ts';
import { listElementsRemoved, parseEnd, pop, timeoutArg, type End } from '../list/util.ts';
import { ErrorReply, NULL_ARRAY, type Reply } from '../reply.ts';
import { moveNow } from './lmove.ts';

function isList(ctx: Context, key: string): boolean {
  const v = ctx.db.lookup(key);
  return v !== undefined && typeof v !== 'string' && v.type === 'list';
}

function popFrom(ctx: Context, key: string, end: End): Reply | undefined {
  const l = ctx.db.lookupTyped(key, 'list');
  if (l instanceof ErrorReply) return l;
  if (l === undefined) return undefined;
  const v = pop(l, end) as string;
  listElementsRemoved(ctx, key, l, 1);
  ctx.propagate([end === 'left' ? 'LPOP' : 'RPOP', key]);
  return [key, v];
}

function bpop(ctx: Context, argv: string[], end: End): Reply | Block {
  const timeout = timeoutArg(argv[argv.length - 1]);
  if (timeout instanceof ErrorReply) return timeout;
  const keys = argv.slice(1, -1);
  for (const key of keys) {
    const r = popFrom(ctx, key, end);
    if (r !== undefined) return r;
  }
  ctx.suppressPropagation();
  // A key that now holds another type keeps the client waiting, as in Redis.
  const retry = (rctx: Context, key: string) => (isList(rctx, key) ? popFrom(rctx, key, end) : undefined);
  return new Block(keys, timeout, retry, () => NULL_ARRAY);
}

function bmove(ctx: Context, src: string, dst: string, from: End, to: End, timeoutText: string): Reply | Block {
  const timeout = timeoutArg(timeoutText);
  if (timeout instanceof ErrorReply) return timeout;
  const served = (c: Context): Reply | undefined => {
    const r = moveNow(c, src, dst, from, to);
    if (r !== undefined && !(r instanceof ErrorReply)) c.propagate(['LMOVE', src, dst, from.toUpperCase(), to.toUpperCase()]);
    return r;
  };
  const r = served(ctx);
  if (r !== undefined) return r;
  // Inside MULTI or a script BLMOVE answers a null bulk; a timed-out wait a null array.
  if (ctx.session.denyBlocking) return null;
  ctx.suppressPropagation();
  // Redis answers every timed-out list wait with a null array, BLMOVE included.
  return new Block([src], timeout, (rctx) => (isList(rctx, src) ? served(rctx) : undefined), () => NULL_ARRAY);
}

const keysToLast = { firstKey: 1, lastKey: -2, step: 1 };

export const blpop = command({ name: 'blpop', arity: -3, flags: ['write', 'blocking'], ...keysToLast, run: (ctx, argv) => bpop(ctx, argv, 'left') });
export const brpop = command({ name: 'brpop', arity: -3, flags: ['write', 'blocking'], ...keysToLast, run: (ctx, argv) => bpop(ctx, argv, 'right') });

export const blmove = command({
  name: 'blmove',
  arity: 6,
  flags: ['write', 'denyoom', 'blocking'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  run(ctx, argv) {
    const from = parseEnd(argv[3]);
    const to = parseEnd(argv[4]);
    if (from === null || to === null) return SYNTAX;
    return bmove(ctx, argv[1], argv[2], from, to, argv[5]);
  },
});

export const brpoplpush = command({
  name: 'brpoplpush',
  arity: 4,
  flags: ['write', 'denyoom', 'blocking'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  run: (ctx, argv) => bmove(ctx, argv[1], argv[2], 'right', 'left', argv[3]),
});

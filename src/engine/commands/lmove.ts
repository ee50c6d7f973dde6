/** LMOVE source destination LEFT|RIGHT LEFT|RIGHT, and RPOPLPUSH source destination. */
import { command, type Context } from '../command.ts';
import { SYNTAX } from '../errors.ts';
import { listElementsRemoved, listForPush, parseEnd, pop, push, type End } from '../list/util.ts';
import { ErrorReply, type Reply } from '../reply.ts';

/** Move one element now; undefined when the source is empty (BLMOVE then blocks). */
export function moveNow(ctx: Context, src: string, dst: string, from: End, to: End): Reply | undefined {
  const s = ctx.db.lookupTyped(src, 'list');
  if (s instanceof ErrorReply) return s;
  if (s === undefined) return undefined;
  // The destination's type is checked before anything moves.
  const d0 = ctx.db.lookupTyped(dst, 'list');
  if (d0 instanceof ErrorReply) return d0;
  const v = pop(s, from) as string;
  listElementsRemoved(ctx, src, s, 1);
  const d = listForPush(ctx, dst, true) as Exclude<ReturnType<typeof listForPush>, ErrorReply | undefined>;
  push(d, to, v);
  ctx.db.touch(dst);
  ctx.ready(dst);
  ctx.dirty();
  return v;
}

export const lmove = command({
  name: 'lmove',
  arity: 5,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  run(ctx, argv) {
    const from = parseEnd(argv[3]);
    const to = parseEnd(argv[4]);
    if (from === null || to === null) return SYNTAX;
    return moveNow(ctx, argv[1], argv[2], from, to) ?? null;
  },
});

export const rpoplpush = command({
  name: 'rpoplpush',
  arity: 3,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  run: (ctx, argv) => moveNow(ctx, argv[1], argv[2], 'right', 'left') ?? null,
});

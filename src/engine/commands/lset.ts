import { command } from '../command.ts';
import { NO_SUCH_KEY, OUT_OF_RANGE } from '../errors.ts';
import { intArg } from '../list/util.ts';
import { ErrorReply, OK } from '../reply.ts';

/** LSET key index element. */
export const lset = command({
  name: 'lset',
  arity: 4,
  flags: ['write', 'denyoom'],
  run(ctx, argv) {
    const l = ctx.db.lookupTyped(argv[1], 'list');
    if (l instanceof ErrorReply) return l;
    if (l === undefined) return NO_SUCH_KEY;
    let i = intArg(argv[2]);
    if (i instanceof ErrorReply) return i;
    if (i < 0) i = l.list.size + i;
    if (i < 0 || i >= l.list.size) return OUT_OF_RANGE;
    l.list.set(i, argv[3]);
    ctx.db.touch(argv[1]);
    ctx.dirty();
    return OK;
  },
});

import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** LLEN key: the length, 0 when missing. */
export const llen = command({
  name: 'llen',
  arity: 2,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const l = ctx.db.lookupTyped(argv[1], 'list');
    if (l instanceof ErrorReply) return l;
    return l === undefined ? 0 : l.list.size;
  },
});

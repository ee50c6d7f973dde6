import { command } from '../command.ts';
import { intArg } from '../list/util.ts';
import { ErrorReply } from '../reply.ts';

/** LINDEX key index: the element, nil when out of range or missing. */
export const lindex = command({
  name: 'lindex',
  arity: 3,
  flags: ['readonly'],
  run(ctx, argv) {
    const l = ctx.db.lookupTyped(argv[1], 'list');
    if (l instanceof ErrorReply) return l;
    if (l === undefined) return null;
    let i = intArg(argv[2]);
    if (i instanceof ErrorReply) return i;
    if (i < 0) i = l.list.size + i;
    return i < 0 || i >= l.list.size ? null : l.list.get(i);
  },
});

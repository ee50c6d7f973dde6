import { command } from '../command.ts';
import { clampRange, startStopArgs } from '../list/util.ts';
import { ErrorReply } from '../reply.ts';

/** LRANGE key start stop: negative indices count from the end. */
export const lrange = command({
  name: 'lrange',
  arity: 4,
  flags: ['readonly'],
  run(ctx, argv) {
    const range = startStopArgs(argv);
    if (range instanceof ErrorReply) return range;
    const [start, stop] = range;
    const l = ctx.db.lookupTyped(argv[1], 'list');
    if (l instanceof ErrorReply) return l;
    if (l === undefined) return [];
    const r = clampRange(start, stop, l.list.size);
    return r === null ? [] : l.list.slice(r[0], r[1] + 1);
  },
});

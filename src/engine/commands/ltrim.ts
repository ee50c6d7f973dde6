import { command } from '../command.ts';
import { clampRange, startStopArgs, listElementsRemoved } from '../list/util.ts';
import { ErrorReply, OK } from '../reply.ts';

/** LTRIM key start stop: keep only that range (an empty range deletes the key). */
export const ltrim = command({
  name: 'ltrim',
  arity: 4,
  flags: ['write'],
  run(ctx, argv) {
    const range = startStopArgs(argv);
    if (range instanceof ErrorReply) return range;
    const [start, stop] = range;
    const l = ctx.db.lookupTyped(argv[1], 'list');
    if (l instanceof ErrorReply) return l;
    if (l === undefined) return OK;
    const len = l.list.size;
    const r = clampRange(start, stop, len);
    const kept = r === null ? [] : l.list.slice(r[0], r[1] + 1);
    l.list.replace(kept);
    listElementsRemoved(ctx, argv[1], l, len - kept.length);
    return OK;
  },
});

import { command } from '../command.ts';
import { intArg, listElementsRemoved } from '../list/util.ts';
import { ErrorReply } from '../reply.ts';

/** LREM key count element: remove count matches from the head (count > 0), the tail (< 0) or all (0). */
export const lrem = command({
  name: 'lrem',
  arity: 4,
  flags: ['write'],
  run(ctx, argv) {
    const count = intArg(argv[2]);
    if (count instanceof ErrorReply) return count;
    const l = ctx.db.lookupTyped(argv[1], 'list');
    if (l instanceof ErrorReply) return l;
    if (l === undefined) return 0;
    const items = l.list.toArray();
    const limit = count === 0 ? Infinity : Math.abs(count);
    let removed = 0;
    const keep: boolean[] = items.map(() => true);
    const order = count < 0 ? items.map((_, i) => items.length - 1 - i) : items.map((_, i) => i);
    for (const i of order) {
      if (removed >= limit) break;
      if (items[i] === argv[3]) {
        keep[i] = false;
        removed++;
      }
    }
    if (removed === 0) return 0;
    l.list.replace(items.filter((_, i) => keep[i]));
    listElementsRemoved(ctx, argv[1], l, removed);
    return removed;
  },
});

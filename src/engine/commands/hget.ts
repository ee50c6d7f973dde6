import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** HGET key field */
export const hget = command({
  name: 'hget',
  arity: 3,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const h = ctx.db.lookupTyped(argv[1], 'hash');
    if (h instanceof ErrorReply) return h;
    return h?.map.get(argv[2]) ?? null;
  },
});

import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** HSTRLEN key field */
export const hstrlen = command({
  name: 'hstrlen',
  arity: 3,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const h = ctx.db.lookupTyped(argv[1], 'hash');
    if (h instanceof ErrorReply) return h;
    return h?.map.get(argv[2])?.length ?? 0;
  },
});

import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** HLEN key */
export const hlen = command({
  name: 'hlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const h = ctx.db.lookupTyped(argv[1], 'hash');
    if (h instanceof ErrorReply) return h;
    return h?.map.size ?? 0;
  },
});

import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** HEXISTS key field */
export const hexists = command({
  name: 'hexists',
  arity: 3,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const h = ctx.db.lookupTyped(argv[1], 'hash');
    if (h instanceof ErrorReply) return h;
    return h?.map.has(argv[2]) ? 1 : 0;
  },
});

import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** HVALS key */
export const hvals = command({
  name: 'hvals',
  arity: 2,
  flags: ['readonly'],
  run(ctx, argv) {
    const h = ctx.db.lookupTyped(argv[1], 'hash');
    if (h instanceof ErrorReply) return h;
    return h ? [...h.map.values()] : [];
  },
});

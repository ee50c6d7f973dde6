import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** XLEN key: live entries, 0 for a missing key. */
export const xlen = command({
  name: 'xlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const s = ctx.db.lookupTyped(argv[1], 'stream');
    if (s instanceof ErrorReply) return s;
    return s === undefined ? 0 : s.length;
  },
});

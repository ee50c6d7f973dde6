import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** STRLEN key: length in bytes, 0 when missing. */
export const strlen = command({
  name: 'strlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const v = ctx.db.lookupString(argv[1]);
    if (v instanceof ErrorReply) return v;
    return v === undefined ? 0 : v.length;
  },
});

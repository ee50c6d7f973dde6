import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** GETDEL key: the string, then delete it. */
export const getdel = command({
  name: 'getdel',
  arity: 2,
  flags: ['write', 'fast'],
  run(ctx, argv) {
    const v = ctx.db.lookupString(argv[1]);
    if (v === undefined || v instanceof ErrorReply) return v ?? null;
    ctx.db.delete(argv[1]);
    ctx.propagate(['DEL', argv[1]]);
    ctx.dirty();
    return v;
  },
});

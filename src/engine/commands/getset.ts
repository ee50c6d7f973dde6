import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** GETSET key value: the old string (nil when missing); clears any TTL. */
export const getset = command({
  name: 'getset',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    const v = ctx.db.lookupString(argv[1]);
    if (v instanceof ErrorReply) return v;
    ctx.db.set(argv[1], argv[2]);
    ctx.propagate(['SET', argv[1], argv[2]]);
    ctx.dirty();
    return v ?? null;
  },
});

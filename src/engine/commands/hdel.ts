import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** HDEL key field [field ...]: fields removed; an emptied hash is deleted. */
export const hdel = command({
  name: 'hdel',
  arity: -3,
  flags: ['write', 'fast'],
  run(ctx, argv) {
    const h = ctx.db.lookupTyped(argv[1], 'hash');
    if (h instanceof ErrorReply) return h;
    if (h === undefined) return 0;
    let n = 0;
    for (let i = 2; i < argv.length; i++) {
      if (h.map.delete(argv[i])) {
        n++;
        if (h.map.size === 0) {
          ctx.db.delete(argv[1]);
          break;
        }
      }
    }
    if (n > 0) {
      ctx.db.touch(argv[1]);
      ctx.dirty(n);
    }
    return n;
  },
});

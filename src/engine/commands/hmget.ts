import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';

/** HMGET key field [field ...] */
export const hmget = command({
  name: 'hmget',
  arity: -3,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const h = ctx.db.lookupTyped(argv[1], 'hash');
    if (h instanceof ErrorReply) return h;
    const out: Array<string | null> = [];
    for (let i = 2; i < argv.length; i++) out.push(h?.map.get(argv[i]) ?? null);
    return out;
  },
});

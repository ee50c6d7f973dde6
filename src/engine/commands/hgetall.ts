import { command } from '../command.ts';
import { ErrorReply, MapReply } from '../reply.ts';

/** HGETALL key: field/value map (a flat array in RESP2). */
export const hgetall = command({
  name: 'hgetall',
  arity: 2,
  flags: ['readonly'],
  run(ctx, argv) {
    const h = ctx.db.lookupTyped(argv[1], 'hash');
    if (h instanceof ErrorReply) return h;
    const out: string[] = [];
    if (h) for (const [f, v] of h.map) out.push(f, v);
    return new MapReply(out);
  },
});

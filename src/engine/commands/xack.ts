import { command } from '../command.ts';
import { INVALID_STREAM_ID } from '../errors.ts';
import { ErrorReply } from '../reply.ts';
import { parseId } from '../stream/id.ts';
import { idKey } from '../stream/pel.ts';

/** XACK key group id [id ...]: how many pending entries were acknowledged. */
export const xack = command({
  name: 'xack',
  arity: -4,
  flags: ['write', 'fast'],
  run(ctx, argv) {
    const s = ctx.db.lookupTyped(argv[1], 'stream');
    if (s instanceof ErrorReply) return s;
    const g = s?.groups?.get(argv[2]);
    if (g === undefined) return 0;
    const keys: string[] = [];
    for (let j = 3; j < argv.length; j++) {
      const id = parseId(argv[j], 0n, true);
      if (id === null) return INVALID_STREAM_ID;
      keys.push(idKey(id));
    }
    let acked = 0;
    for (const k of keys) if (g.ack(k) !== undefined) acked++;
    ctx.dirty(acked);
    return acked;
  },
});

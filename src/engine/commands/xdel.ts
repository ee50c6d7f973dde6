import { command } from '../command.ts';
import { INVALID_STREAM_ID } from '../errors.ts';
import { ErrorReply } from '../reply.ts';
import { parseId, type StreamId } from '../stream/id.ts';

/** XDEL key id [id ...]: number of entries deleted. All IDs are checked before any is deleted. */
export const xdel = command({
  name: 'xdel',
  arity: -3,
  flags: ['write', 'fast'],
  run(ctx, argv) {
    const s = ctx.db.lookupTyped(argv[1], 'stream');
    if (s instanceof ErrorReply) return s;
    if (s === undefined) return 0;
    const ids: StreamId[] = [];
    for (let j = 2; j < argv.length; j++) {
      const id = parseId(argv[j], 0n, true);
      if (id === null) return INVALID_STREAM_ID;
      ids.push(id);
    }
    let deleted = 0;
    for (const id of ids) if (s.delete({ ms: id.ms, seq: id.seq })) deleted++;
    if (deleted > 0) {
      ctx.db.touch(argv[1]);
      ctx.dirty(deleted);
    }
    return deleted;
  },
});

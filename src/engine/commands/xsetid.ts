import { command } from '../command.ts';
import { err, INVALID_STREAM_ID, NO_SUCH_KEY, NOT_INTEGER, SYNTAX } from '../errors.ts';
import { string2ll } from '../numbers.ts';
import { ErrorReply, OK } from '../reply.ts';
import { compareIds, parseId, type StreamId } from '../stream/id.ts';

/** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
export const xsetid = command({
  name: 'xsetid',
  arity: -3,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    const p = parseId(argv[2], 0n, true);
    if (p === null) return INVALID_STREAM_ID;
    const id: StreamId = { ms: p.ms, seq: p.seq };
    let entriesAdded = -1n;
    let maxDel: StreamId = { ms: 0n, seq: 0n };
    for (let i = 3; i < argv.length; ) {
      const more = argv.length - 1 - i;
      const opt = argv[i].toLowerCase();
      if (opt === 'entriesadded' && more) {
        const n = string2ll(argv[i + 1]);
        if (n === null) return NOT_INTEGER;
        if (n < 0n) return err('ERR entries_added must be positive');
        entriesAdded = n;
        i += 2;
      } else if (opt === 'maxdeletedid' && more) {
        const m = parseId(argv[i + 1], 0n, true);
        if (m === null) return INVALID_STREAM_ID;
        maxDel = { ms: m.ms, seq: m.seq };
        if (compareIds(id, maxDel) < 0) {
          return err('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
        }
        i += 2;
      } else {
        return SYNTAX;
      }
    }
    const s = ctx.db.lookupTyped(argv[1], 'stream');
    if (s instanceof ErrorReply) return s;
    if (s === undefined) return NO_SUCH_KEY;
    if (s.length > 0) {
      if (compareIds(id, s.edgeId(false)) < 0) {
        return err('ERR The ID specified in XSETID is smaller than the target stream top item');
      }
      if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded) {
        return err('ERR The entries_added specified in XSETID is smaller than the target stream length');
      }
    }
    s.lastId = id;
    if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
    if (maxDel.ms !== 0n || maxDel.seq !== 0n) s.maxDeletedId = maxDel;
    ctx.dirty();
    return OK;
  },
});

import { command } from '../command.ts';
import { err, INVALID_STREAM_ID, NOT_INTEGER, SYNTAX } from '../errors.ts';
import { string2llNum } from '../numbers.ts';
import { ErrorReply, NULL_ARRAY, type Reply } from '../reply.ts';
import { formatId, nextId, parseIntervalId, prevId, UINT64_MAX, type StreamId } from '../stream/id.ts';
import { idKey, keyId } from '../stream/pel.ts';

/**
 * XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
 * Summary form: [count, first, last, [[consumer, count-as-bulk], ...]].
 */
export const xpending = command({
  name: 'xpending',
  arity: -3,
  flags: ['readonly'],
  run(ctx, argv): Reply {
    const summary = argv.length === 3;
    if (!summary && (argv.length < 6 || argv.length > 9)) return SYNTAX;
    let minIdle = 0;
    let count = 0;
    let start: StreamId = { ms: 0n, seq: 0n };
    let end: StreamId = { ms: 0n, seq: 0n };
    let consumerName: string | undefined;
    if (!summary) {
      let i = 3;
      if (argv[3].toLowerCase() === 'idle') {
        const n = string2llNum(argv[4]);
        if (n === null) return NOT_INTEGER;
        minIdle = n;
        if (argv.length < 8) return SYNTAX;
        i += 2;
      }
      const c = string2llNum(argv[i + 2]);
      if (c === null) return NOT_INTEGER;
      count = c < 0 ? 0 : c;
      const s = parseIntervalId(argv[i], 0n);
      if (s === null) return INVALID_STREAM_ID;
      start = s.id;
      if (s.exclusive) {
        const n = nextId(start);
        if (n === null) return err('ERR invalid start ID for the interval');
        start = n;
      }
      const e = parseIntervalId(argv[i + 1], UINT64_MAX);
      if (e === null) return INVALID_STREAM_ID;
      end = e.id;
      if (e.exclusive) {
        const p = prevId(end);
        if (p === null) return err('ERR invalid end ID for the interval');
        end = p;
      }
      if (i + 3 < argv.length) consumerName = argv[i + 3];
    }
    const st = ctx.db.lookupTyped(argv[1], 'stream');
    if (st instanceof ErrorReply) return st;
    const g = st?.groups?.get(argv[2]);
    if (g === undefined) return err(`NOGROUP No such key '${argv[1]}' or consumer group '${argv[2]}'`);
    if (summary) {
      if (g.pel.size === 0) return [0, null, null, NULL_ARRAY];
      const consumers: Reply[] = [];
      for (const c of g.sortedConsumers()) if (c.pel.size > 0) consumers.push([c.name, String(c.pel.size)]);
      return [g.pel.size, formatId(keyId(g.pel.minKey()!)), formatId(keyId(g.pel.maxKey()!)), consumers];
    }
    let pel = g.pel;
    if (consumerName !== undefined) {
      const c = g.lookupConsumer(consumerName, ctx.now, false);
      if (c === undefined) return [];
      pel = c.pel;
    }
    const endKey = idKey(end);
    const out: Reply[] = [];
    for (const [key, nack] of pel.entriesFrom(idKey(start))) {
      if (count === 0 || key > endKey) break;
      const idle = ctx.now - nack.deliveryTime;
      if (minIdle && idle < minIdle) continue;
      count--;
      out.push([formatId(keyId(key)), nack.consumer!.name, idle < 0 ? 0 : idle, nack.deliveryCount]);
    }
    return out;
  },
});

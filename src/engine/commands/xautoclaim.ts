import { command } from '../command.ts';
import { err, INVALID_STREAM_ID, SYNTAX } from '../errors.ts';
import { string2llNum } from '../numbers.ts';
import { ErrorReply, type Reply } from '../reply.ts';
import { entryReply } from '../stream/args.ts';
import type { Consumer } from '../stream/group.ts';
import { formatId, nextId, parseIntervalId } from '../stream/id.ts';
import { idKey, keyId } from '../stream/pel.ts';
import { xclaimArgv, type PropagateTo } from '../stream/read.ts';

const MAX_COUNT = Math.floor(9223372036854775807 / 16);

/**
 * XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
 * Reply: [next cursor, claimed entries, IDs that were deleted from the stream
 * (and removed from the PEL)]. Scans at most 10 x COUNT PEL entries.
 */
export const xautoclaim = command({
  name: 'xautoclaim',
  arity: -6,
  flags: ['write', 'fast'],
  run(ctx, argv): Reply {
    let minIdle = string2llNum(argv[4]);
    if (minIdle === null) return err('ERR Invalid min-idle-time argument for XAUTOCLAIM');
    if (minIdle < 0) minIdle = 0;
    const st = parseIntervalId(argv[5], 0n);
    if (st === null) return INVALID_STREAM_ID;
    let start = st.id;
    if (st.exclusive) {
      const n = nextId(start);
      if (n === null) return err('ERR invalid start ID for the interval');
      start = n;
    }
    let count = 100;
    let justId = false;
    for (let j = 6; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j].toLowerCase();
      if (opt === 'count' && more) {
        const n = string2llNum(argv[j + 1]);
        if (n === null || n < 1 || n > MAX_COUNT) return err('ERR COUNT must be > 0');
        count = n;
        j++;
      } else if (opt === 'justid') {
        justId = true;
      } else {
        return SYNTAX;
      }
    }
    const s = ctx.db.lookupTyped(argv[1], 'stream');
    if (s instanceof ErrorReply) return s;
    const g = s?.groups?.get(argv[2]);
    if (s === undefined || g === undefined) {
      return err(`NOGROUP No such key '${argv[1]}' or consumer group '${argv[2]}'`);
    }
    ctx.suppressPropagation();
    const p: PropagateTo = { key: argv[1], group: argv[2], emit: (a) => ctx.propagate(a) };
    const now = ctx.now;
    let attempts = count * 10;
    let consumer: Consumer | undefined;
    const claimed: Reply[] = [];
    const deleted: Reply[] = [];
    let cur = g.pel.seek(idKey(start));
    while (attempts-- > 0 && count > 0 && cur !== undefined) {
      const [key, nack] = cur;
      const id = keyId(key);
      const entry = s.get(id);
      if (entry === undefined) {
        const idStr = formatId(id);
        p.emit(xclaimArgv(p, g, idStr, nack));
        ctx.dirty();
        g.ack(key);
        deleted.push(idStr);
        count--;
        cur = g.pel.seek(key);
        continue;
      }
      if (minIdle && now - nack.deliveryTime < minIdle) {
        cur = g.pel.next(key);
        continue;
      }
      consumer ??= g.lookupConsumer(argv[3], now) ?? g.createConsumer(argv[3], now)!;
      if (nack.consumer !== consumer) nack.consumer?.pel.delete(key);
      nack.deliveryTime = now;
      if (!justId) nack.deliveryCount++;
      if (nack.consumer !== consumer) {
        consumer.pel.set(key, nack);
        nack.consumer = consumer;
      }
      claimed.push(justId ? formatId(id) : entryReply(entry));
      count--;
      p.emit(xclaimArgv(p, g, formatId(id), nack));
      ctx.dirty();
      cur = g.pel.next(key);
    }
    const next = cur === undefined ? '0-0' : formatId(keyId(cur[0]));
    return [next, claimed, deleted];
  },
});

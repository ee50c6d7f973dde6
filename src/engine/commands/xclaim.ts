import { command } from '../command.ts';
import { err } from '../errors.ts';
import { string2ll, string2llNum } from '../numbers.ts';
import { ErrorReply, type Reply } from '../reply.ts';
import { entryReply } from '../stream/args.ts';
import type { Consumer, Nack } from '../stream/group.ts';
import { compareIds, formatId, parseId, type StreamId } from '../stream/id.ts';
import { idKey } from '../stream/pel.ts';
import { setIdArgv, xclaimArgv, type PropagateTo } from '../stream/read.ts';

/**
 * XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-ms]
 *        [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id]
 * IDs are read until the first argument that is not an ID; options follow.
 */
export const xclaim = command({
  name: 'xclaim',
  arity: -6,
  flags: ['write', 'fast'],
  run(ctx, argv): Reply {
    const s = ctx.db.lookupTyped(argv[1], 'stream');
    if (s instanceof ErrorReply) return s;
    const g = s?.groups?.get(argv[2]);
    if (s === undefined || g === undefined) {
      return err(`NOGROUP No such key '${argv[1]}' or consumer group '${argv[2]}'`);
    }
    let minIdle = string2llNum(argv[4]);
    if (minIdle === null) return err('ERR Invalid min-idle-time argument for XCLAIM');
    if (minIdle < 0) minIdle = 0;
    const ids: StreamId[] = [];
    let j = 5;
    for (; j < argv.length; j++) {
      const id = parseId(argv[j], 0n, true);
      if (id === null) break;
      ids.push({ ms: id.ms, seq: id.seq });
    }
    const now = ctx.now;
    let deliveryTime = -1;
    let retryCount = -1;
    let force = false;
    let justId = false;
    let lastId: StreamId = { ms: 0n, seq: 0n };
    for (; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j].toLowerCase();
      if (opt === 'force') force = true;
      else if (opt === 'justid') justId = true;
      else if (opt === 'idle' && more) {
        const n = string2ll(argv[++j]);
        if (n === null) return err('ERR Invalid IDLE option argument for XCLAIM');
        deliveryTime = now - Number(n);
      } else if (opt === 'time' && more) {
        const n = string2ll(argv[++j]);
        if (n === null) return err('ERR Invalid TIME option argument for XCLAIM');
        deliveryTime = Number(n);
      } else if (opt === 'retrycount' && more) {
        const n = string2ll(argv[++j]);
        if (n === null) return err('ERR Invalid RETRYCOUNT option argument for XCLAIM');
        retryCount = Number(n);
      } else if (opt === 'lastid' && more) {
        const id = parseId(argv[++j], 0n, true);
        if (id === null) return err('ERR Invalid stream ID specified as stream command argument');
        lastId = { ms: id.ms, seq: id.seq };
      } else {
        return err(`ERR Unrecognized XCLAIM option '${argv[j]}'`);
      }
    }
    ctx.suppressPropagation();
    const p: PropagateTo = { key: argv[1], group: argv[2], emit: (a) => ctx.propagate(a) };
    let propagateLastId = false;
    if (compareIds(lastId, g.lastId) > 0) {
      g.lastId = lastId;
      propagateLastId = true;
    }
    if (deliveryTime !== -1) {
      if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
    } else {
      deliveryTime = now;
    }
    let consumer: Consumer | undefined;
    const out: Reply[] = [];
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      const key = idKey(id);
      let nack: Nack | undefined = g.pel.get(key);
      const entry = s.get(id);
      if (entry === undefined) {
        if (nack !== undefined) {
          p.emit(xclaimArgv(p, g, argv[5 + k], nack));
          propagateLastId = false;
          ctx.dirty();
          g.ack(key);
        }
        continue;
      }
      if (force && nack === undefined) {
        nack = { deliveryTime: now, deliveryCount: 1, consumer: null };
        g.pel.set(key, nack);
      }
      if (nack === undefined) continue;
      if (nack.consumer !== null && minIdle && now - nack.deliveryTime < minIdle) continue;
      if (consumer === undefined) {
        consumer = g.lookupConsumer(argv[3], now) ?? g.createConsumer(argv[3], now)!;
      }
      if (nack.consumer !== consumer) nack.consumer?.pel.delete(key);
      nack.deliveryTime = deliveryTime;
      if (retryCount >= 0) nack.deliveryCount = retryCount;
      else if (!justId) nack.deliveryCount++;
      if (nack.consumer !== consumer) {
        consumer.pel.set(key, nack);
        nack.consumer = consumer;
      }
      out.push(justId ? formatId(id) : entryReply(entry));
      p.emit(xclaimArgv(p, g, argv[5 + k], nack));
      propagateLastId = false;
      ctx.dirty();
    }
    if (propagateLastId) {
      p.emit(setIdArgv(p, g));
      ctx.dirty();
    }
    return out;
  },
});

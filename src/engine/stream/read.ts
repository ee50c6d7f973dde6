/**
 * Reading entries on behalf of a consumer group (streamReplyWithRange with a
 * group, and streamReplyWithRangeFromConsumerPEL): delivering creates or
 * moves PEL entries and advances the group's cursor; every change is
 * recorded as the commands that replay it (XCLAIM ..., XGROUP SETID ...).
 */
import { NULL_ARRAY, type Reply } from '../reply.ts';
import { entryReply } from './args.ts';
import { advanceGroup, type Consumer, type ConsumerGroup, type Nack } from './group.ts';
import { compareIds, formatId, MAX_ID, type StreamId } from './id.ts';
import { idKey, keyId } from './pel.ts';
import type { StreamValue } from './stream.ts';

/** Where propagated commands go (ctx.propagate), and the names they use. */
export interface PropagateTo {
  key: string;
  group: string;
  emit(argv: string[]): void;
}

/** streamPropagateXCLAIM: the idempotent XCLAIM that recreates one PEL entry. */
export function xclaimArgv(p: PropagateTo, g: ConsumerGroup, id: string, nack: Nack): string[] {
  return [
    'XCLAIM', p.key, p.group, nack.consumer!.name, '0', id, 'TIME', String(nack.deliveryTime),
    'RETRYCOUNT', String(nack.deliveryCount), 'FORCE', 'JUSTID', 'LASTID', formatId(g.lastId),
  ];
}

/** streamPropagateGroupID */
export function setIdArgv(p: PropagateTo, g: ConsumerGroup): string[] {
  return ['XGROUP', 'SETID', p.key, p.group, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)];
}

/**
 * Deliver new entries from `start` (inclusive) to a consumer: at most
 * `count` (0 = all). Creates PEL entries unless `noack`.
 */
export function deliverNew(
  s: StreamValue,
  g: ConsumerGroup,
  consumer: Consumer,
  start: StreamId,
  count: number,
  noack: boolean,
  now: number,
  p: PropagateTo,
): Reply[] {
  const out: Reply[] = [];
  let propagateLastId = false;
  for (const e of s.range(start, MAX_ID)) {
    if (compareIds(e.id, g.lastId) > 0) {
      advanceGroup(s, g, e.id);
      if (noack) propagateLastId = true;
    }
    out.push(entryReply(e));
    if (!noack) {
      const key = idKey(e.id);
      let nack: Nack = { deliveryTime: now, deliveryCount: 1, consumer };
      if (!g.pel.tryInsert(key, nack)) {
        nack = g.pel.get(key)!;
        nack.consumer?.pel.delete(key);
        nack.consumer = consumer;
        nack.deliveryTime = now;
        nack.deliveryCount = 1;
      }
      consumer.pel.set(key, nack);
      p.emit(xclaimArgv(p, g, formatId(e.id), nack));
    }
    if (count && out.length === count) break;
  }
  if (propagateLastId) p.emit(setIdArgv(p, g));
  return out;
}

/**
 * Re-read the consumer's own pending entries from `start`: deleted entries
 * come back as [id, nil]; others count as a new delivery.
 */
export function deliverHistory(s: StreamValue, consumer: Consumer, start: StreamId, count: number, now: number): Reply[] {
  const out: Reply[] = [];
  for (const [key, nack] of consumer.pel.entriesFrom(idKey(start))) {
    if (count && out.length >= count) break;
    const id = keyId(key);
    const e = s.get(id);
    if (e === undefined) {
      out.push([formatId(id), NULL_ARRAY]);
    } else {
      out.push(entryReply(e));
      nack.deliveryTime = now;
      nack.deliveryCount++;
    }
  }
  return out;
}

/**
 * Dead letters: a message that failed maxDeliveries times (or failed its
 * schema) moves to `<stream>:dlq` with named fields that say why, in one
 * MULTI with the XACK that removes it from the group, so it is never both
 * pending and dead, nor neither:
 *
 *   reason, error, original-id, source-stream, group, consumer, deliveries,
 *   failed-at, plus the original fields (p, k, h).
 *
 * DeadLetters lists, replays (all, by filter, rate-limited) and purges them.
 */
import type { Connection } from '../client/connection.ts';
import { badOption } from './errors.ts';
import { decodeFields } from './message.ts';
import type { Topic } from './topic.ts';

export interface DeadLetterInfo {
  reason: string;
  error?: string;
  group: string;
  consumer: string;
  deliveries: number;
}

/** The MULTI ... EXEC batch that dead-letters one entry. */
export function deadLetterBatch(
  topic: Topic<unknown>,
  partition: number,
  id: string,
  fields: string[],
  info: DeadLetterInfo,
): Array<Array<string | number>> {
  const stream = topic.stream(partition);
  return [
    ['MULTI'],
    ['XADD', topic.deadLetters(partition), '*',
      'reason', info.reason, 'error', info.error ?? '', 'original-id', id, 'source-stream', stream,
      'group', info.group, 'consumer', info.consumer, 'deliveries', info.deliveries, 'failed-at', Date.now(), ...fields],
    ['XACK', stream, info.group, id],
    ['EXEC'],
  ];
}

export interface DeadLetter {
  /** ID in the dead-letter stream. */
  id: string;
  partition: number;
  originalId: string;
  reason: string;
  error: string;
  group: string;
  consumer: string;
  deliveries: number;
  failedAt: number;
  payloadText?: string;
  key?: string;
  headers: Record<string, string>;
}

export interface ReplayOptions {
  /** Replay only those that pass. */
  filter?: (d: DeadLetter) => boolean;
  /** At most this many per second. @defaultValue unlimited */
  perSecond?: number;
  /** At most this many in all. */
  limit?: number;
}

export class DeadLetters {
  constructor(
    private readonly topic: Topic<unknown>,
    private readonly conn: Connection,
  ) {}

  /** Dead letters of every partition, oldest first per partition. */
  async list(count = 100): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    for (let p = 0; p < this.topic.partitions; p++) {
      const entries = (await this.conn.send(['XRANGE', this.topic.deadLetters(p), '-', '+', 'COUNT', count])) as [string, string[]][];
      for (const [id, fields] of entries) out.push(this.parse(p, id, fields));
    }
    return out;
  }

  private parse(partition: number, id: string, fields: string[]): DeadLetter {
    const f = decodeFields(fields);
    const all = f.all;
    return {
      id,
      partition,
      originalId: all['original-id'],
      reason: all.reason,
      error: all.error,
      group: all.group,
      consumer: all.consumer,
      deliveries: Number(all.deliveries),
      failedAt: Number(all['failed-at']),
      payloadText: f.payloadText,
      key: f.key,
      headers: f.headers,
    };
  }

  /**
   * Put dead letters back on their topic as new messages (with the original
   * payload, key and headers) and remove them from the dead letters, each in
   * one MULTI. Returns how many were replayed.
   */
  async replay(o: ReplayOptions = {}): Promise<number> {
    if (o.perSecond !== undefined && !(o.perSecond > 0)) badOption(`perSecond must be > 0, got ${o.perSecond}`);
    let n = 0;
    const started = Date.now();
    for (let p = 0; p < this.topic.partitions; p++) {
      let from = '-';
      for (;;) {
        const entries = (await this.conn.send(['XRANGE', this.topic.deadLetters(p), from, '+', 'COUNT', 100])) as [string, string[]][];
        if (entries.length === 0) break;
        for (const [id, fields] of entries) {
          if (o.limit !== undefined && n >= o.limit) return n;
          const d = this.parse(p, id, fields);
          if (o.filter && !o.filter(d)) continue;
          if (o.perSecond) {
            const due = started + (n * 1000) / o.perSecond;
            const wait = due - Date.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          }
          const all = decodeFields(fields).all;
          const orig: string[] = [];
          for (const k of ['p', 'k', 'h']) if (all[k] !== undefined) orig.push(k, all[k]);
          const res = await this.conn.pipeline([
            ['MULTI'],
            ['XADD', this.topic.stream(p), '*', ...orig],
            ['XDEL', this.topic.deadLetters(p), id],
            ['EXEC'],
          ]);
          if (res[3] instanceof Error) throw res[3];
          n++;
        }
        from = `(${entries[entries.length - 1][0]}`;
      }
    }
    return n;
  }

  /** Delete dead letters (all, or those passing `filter`). Returns how many. */
  async purge(filter?: (d: DeadLetter) => boolean): Promise<number> {
    let n = 0;
    for (let p = 0; p < this.topic.partitions; p++) {
      const key = this.topic.deadLetters(p);
      if (!filter) {
        n += Number(await this.conn.send(['XLEN', key]));
        await this.conn.send(['DEL', key]);
        continue;
      }
      const entries = (await this.conn.send(['XRANGE', key, '-', '+'])) as [string, string[]][];
      const ids = entries.filter(([id, f]) => filter(this.parse(p, id, f))).map(([id]) => id);
      if (ids.length) n += Number(await this.conn.send(['XDEL', key, ...ids]));
    }
    return n;
  }
}

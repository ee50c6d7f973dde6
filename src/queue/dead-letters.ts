/**
 * Dead letters: a message that failed maxDeliveries times (or failed its
 * schema) moves to `<stream>:dlq` with named fields that say why, in one
 * script with the XACK that removes it from the group (deadLetterIfOwned):
 *
 *   reason, error, original-id, source-stream, group, consumer, deliveries,
 *   failed-at, plus the original fields (p, k, h).
 *
 * DeadLetters lists, replays (all, by filter, rate-limited) and purges them.
 */
import type { Connection } from '../client/connection.ts';
import { defineScript } from '../client/script.ts';
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

/**
 * KEYS stream, dead-letter stream. ARGV group, consumer, id, then the dead
 * letter's fields. If `consumer` still owns the entry: add the dead letter
 * and XACK the entry, as one step; otherwise change nothing. Replies
 * {1, ''} done, or {0, owner} ('' when no longer pending).
 */
const DEAD_LETTER_IF_OWNED = defineScript(
  'brook-dead-letter-if-owned',
  2,
  `local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)[1]
if not p or p[2] ~= ARGV[2] then return {0, p and p[2] or ''} end
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 4))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
return {1, ''}`,
);

/**
 * Dead-letter one entry if `info.consumer` still owns it: the dead letter
 * and the XACK in one script, so it is never both pending and dead, nor
 * neither, and a consumer that lost the entry to another (a paused
 * "zombie") does not settle it on the new owner's behalf. Returns true, or
 * the owner now (null: no longer pending).
 */
export async function deadLetterIfOwned(
  conn: Connection,
  topic: Topic<unknown>,
  partition: number,
  id: string,
  fields: string[],
  info: DeadLetterInfo,
): Promise<true | string | null> {
  const stream = topic.stream(partition);
  const [done, owner] = (await conn.script(DEAD_LETTER_IF_OWNED, [stream, topic.deadLetters(partition)], [
    info.group, info.consumer, id,
    'reason', info.reason, 'error', info.error ?? '', 'original-id', id, 'source-stream', stream,
    'group', info.group, 'consumer', info.consumer, 'deliveries', info.deliveries, 'failed-at', Date.now(), ...fields,
  ])) as [number, string];
  return done === 1 ? true : owner === '' ? null : owner;
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

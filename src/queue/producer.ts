/**
 * Producer: append messages to a topic's partitions.
 *
 * - A message key picks the partition (stable hash), so one key's messages
 *   stay in order in one stream; without a key, round-robin.
 * - Batches go in one pipelined round trip.
 * - Retention is applied on write with approximate trimming (MAXLEN ~ /
 *   MINID ~): cheap, and never below the limit. (Trimming that respects
 *   pending work is Retention in retention.ts.)
 * - An idempotency key makes a send happen at most once per window, even
 *   when retried: WATCH + MULTI on a dedicated connection, so it is atomic
 *   on every backend without scripting.
 */
import type { Arg, Connection } from '../client/connection.ts';
import { badOption, QueueError, QueueErrorCode } from './errors.ts';
import { encodeFields } from './message.ts';
import { validate } from './standard-schema.ts';
import type { Topic } from './topic.ts';

export interface ProducerOptions {
  connection: Connection;
  /** Keep at most about this many entries per partition. */
  maxLen?: number;
  /** Drop entries older than this (ms), approximately. */
  maxAgeMs?: number;
  /** How long an idempotency key is remembered. @defaultValue 86_400_000 (24 h) */
  dedupeWindowMs?: number;
}

export interface SendOptions {
  /** Chooses the partition; messages with one key keep their order. */
  key?: string;
  headers?: Record<string, string>;
  /** The same key within the dedupe window sends once. */
  idempotencyKey?: string;
}

export interface SendResult {
  id: string;
  partition: number;
  /** True when the idempotency key was seen: nothing was added. */
  duplicate: boolean;
}

export class Producer<T> {
  private readonly conn: Connection;
  private readonly dedupeWindowMs: number;
  private dedupeConn: Promise<Connection> | null = null;
  private dedupeQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly topic: Topic<T>,
    private readonly options: ProducerOptions,
  ) {
    if (!options?.connection) badOption('Producer needs a connection');
    if (options.maxLen !== undefined && (!Number.isInteger(options.maxLen) || options.maxLen < 1)) {
      badOption(`maxLen must be a positive integer, got ${options.maxLen}`);
    }
    if (options.maxAgeMs !== undefined && !(options.maxAgeMs > 0)) badOption(`maxAgeMs must be > 0, got ${options.maxAgeMs}`);
    this.dedupeWindowMs = options.dedupeWindowMs ?? 86_400_000;
    if (!(this.dedupeWindowMs > 0)) badOption(`dedupeWindowMs must be > 0, got ${options.dedupeWindowMs}`);
    this.conn = options.connection;
  }

  private async check(payload: T): Promise<void> {
    if (!this.topic.schema) return;
    const r = await validate(this.topic.schema, payload);
    if (!r.ok) throw new QueueError(QueueErrorCode.InvalidPayload, `payload does not match topic '${this.topic.name}': ${r.reason}`);
  }

  private xadd(partition: number, payload: T, o: SendOptions): Arg[] {
    const args: Arg[] = ['XADD', this.topic.stream(partition)];
    if (this.options.maxLen !== undefined) args.push('MAXLEN', '~', this.options.maxLen);
    else if (this.options.maxAgeMs !== undefined) args.push('MINID', '~', Math.max(0, Date.now() - this.options.maxAgeMs));
    args.push('*', ...encodeFields(payload, o.key, o.headers));
    return args;
  }

  /** Send one message. */
  async send(payload: T, o: SendOptions = {}): Promise<SendResult> {
    await this.check(payload);
    const partition = this.topic.partitionFor(o.key);
    if (o.idempotencyKey !== undefined) return this.sendOnce(partition, payload, o);
    const id = (await this.conn.send(this.xadd(partition, payload, o))) as string;
    return { id, partition, duplicate: false };
  }

  /** Send many messages in one round trip; results in order. */
  async sendBatch(items: Array<{ payload: T } & SendOptions>): Promise<SendResult[]> {
    for (const it of items) {
      await this.check(it.payload);
      if (it.idempotencyKey !== undefined) badOption('sendBatch does not take idempotency keys; use send()');
    }
    const parts = items.map((it) => this.topic.partitionFor(it.key));
    const replies = await this.conn.pipeline(items.map((it, i) => this.xadd(parts[i], it.payload, it)));
    return replies.map((r, i) => {
      if (r instanceof Error) throw r;
      return { id: r as string, partition: parts[i], duplicate: false };
    });
  }

  /** WATCH the marker, and add the message and the marker in one MULTI. */
  private sendOnce(partition: number, payload: T, o: SendOptions): Promise<SendResult> {
    const run = async (): Promise<SendResult> => {
      this.dedupeConn ??= this.conn.duplicate();
      const c = await this.dedupeConn;
      const marker = this.topic.dedupe(partition, o.idempotencyKey!);
      for (;;) {
        await c.send(['WATCH', marker]);
        const seen = (await c.send(['GET', marker])) as string | null;
        if (seen !== null) {
          await c.send(['UNWATCH']);
          return { id: seen, partition, duplicate: true };
        }
        // Message and marker in one transaction: both or neither. The marker
        // gets the ID right after; a crash in between leaves it empty, and a
        // retry then reports a duplicate whose id is ''.
        await c.send(['MULTI']);
        await c.send(this.xadd(partition, payload, o));
        await c.send(['SET', marker, '', 'PX', this.dedupeWindowMs]);
        const replies = (await c.send(['EXEC'])) as unknown[] | null;
        if (replies === null) continue; // the marker changed meanwhile: look again
        const id = replies[0] as string;
        await c.send(['SET', marker, id, 'XX', 'KEEPTTL']);
        return { id, partition, duplicate: false };
      }
    };
    const p = this.dedupeQueue.then(run, run);
    this.dedupeQueue = p.catch(() => undefined);
    return p;
  }

  /** Close the producer's own connection (not the one it was given). Idempotent. */
  async close(): Promise<void> {
    const c = this.dedupeConn;
    this.dedupeConn = null;
    if (c) await (await c).close();
  }
}

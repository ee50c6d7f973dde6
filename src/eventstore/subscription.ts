/**
 * Subscriptions: catch up on the global log from a checkpoint, then follow
 * it live. The checkpoint (per partition, the last log ID handled) is
 * stored in Redis together with the handler's own Redis writes, in one
 * MULTI/EXEC, so a projection into Redis sees every event's effect exactly
 * once; effects outside Redis are at-least-once.
 *
 *   catch up ── readAll(after: checkpoint) in batches, merged order
 *   live ────── XREAD BLOCK on the partition logs as a wake-up, then
 *               catch up again (Cluster: one XREAD per log, all out at
 *               once, each on a connection of its own, as one XREAD
 *               cannot span slots)
 *
 * A failing handler is retried with exponential backoff and jitter; after
 * maxAttempts the event goes to the subscription's dead-letter stream with
 * the error, and the subscription moves on (the queue's rules).
 */
import type { Arg, Connection } from '../client/connection.ts';
import { badArgument } from './errors.ts';
import type { EventStore } from './store.ts';
import type { Checkpoint, RecordedEvent } from './types.ts';

export interface SubscriptionContext {
  /** Redis commands to apply atomically with the checkpoint after this event (not applied if the handler throws). */
  readonly tx: Arg[][];
  readonly connection: Connection;
  /** 1 on the first try. */
  readonly attempt: number;
}

export type EventHandler = (event: RecordedEvent, ctx: SubscriptionContext) => void | Promise<void>;

export interface SubscribeOptions {
  /** Names the stored checkpoint: a subscription with the same name resumes where it stopped. */
  name: string;
  handler: EventHandler;
  /** Where to start when no checkpoint is stored. @defaultValue 'start' */
  from?: 'start' | 'end' | Checkpoint;
  /** Events per read and per checkpoint write. @defaultValue 100 */
  batchSize?: number;
  /** BLOCK time of live reads (ms); bounds how long stop() waits. @defaultValue 1000 */
  blockMs?: number;
  /** Tries per event before it is dead-lettered. @defaultValue 5 */
  maxAttempts?: number;
  /** First retry delay (ms), doubled each try, with jitter, at most 30 s. @defaultValue 100 */
  backoffMs?: number;
  /** Told about errors the subscription recovers from (reads, checkpoint writes). */
  onError?: (error: Error) => void;
}

export class Subscription {
  /** Resolves once the subscription has read everything there was at its start. */
  readonly caughtUp: Promise<void>;
  /** Resolves when the subscription has stopped. */
  readonly done: Promise<void>;
  checkpoint: Checkpoint = {};
  processed = 0;
  deadLettered = 0;
  private stopping = false;
  private reader: Connection | null = null;
  private markCaughtUp!: () => void;
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;

  constructor(
    readonly store: EventStore,
    private readonly options: SubscribeOptions,
  ) {
    if (!/^[A-Za-z0-9._:-]+$/.test(options?.name ?? '')) badArgument(`subscription name '${options?.name}' must be letters, digits, '.', '_', ':' or '-'`);
    if (typeof options.handler !== 'function') badArgument('a subscription needs a handler');
    this.batchSize = positive('batchSize', options.batchSize ?? 100);
    this.blockMs = positive('blockMs', options.blockMs ?? 1000);
    this.maxAttempts = positive('maxAttempts', options.maxAttempts ?? 5);
    this.backoffMs = positive('backoffMs', options.backoffMs ?? 100);
    this.caughtUp = new Promise((r) => (this.markCaughtUp = r));
    this.done = this.run();
  }

  get checkpointKey(): string {
    return this.store.keys.checkpoint(this.options.name);
  }

  get deadLetterKey(): string {
    return this.store.keys.checkpoint(`dlq:${this.options.name}`);
  }

  /** Stop after the event in hand; resolves when stopped. Idempotent. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.closeReaders();
    await this.done;
  }

  private async run(): Promise<void> {
    const conn = this.store.connection;
    this.checkpoint = await this.initialCheckpoint();
    let catchingUp = true;
    while (!this.stopping) {
      try {
        if (catchingUp) {
          const { events, checkpoint } = await this.store.readAll({ after: this.checkpoint, count: this.batchSize });
          if (events.length === 0) {
            catchingUp = false;
            this.markCaughtUp();
            continue;
          }
          await this.handleBatch(events, checkpoint);
        } else {
          await this.waitForMore(conn);
          catchingUp = true;
        }
      } catch (e) {
        if (this.stopping) break;
        this.options.onError?.(e instanceof Error ? e : new Error(String(e)));
        await sleep(Math.min(this.blockMs, 500));
        catchingUp = true;
      }
    }
    this.markCaughtUp();
    await this.closeReaders();
  }

  private async initialCheckpoint(): Promise<Checkpoint> {
    const stored = (await this.store.connection.send(['HGETALL', this.checkpointKey])) as string[];
    const cp: Checkpoint = {};
    for (let p = 0; p < this.store.keys.partitions; p++) cp[p] = '0-0';
    if (stored.length > 0) {
      for (let i = 0; i < stored.length; i += 2) cp[Number(stored[i])] = stored[i + 1];
      return cp;
    }
    const from = this.options.from ?? 'start';
    if (from === 'end') {
      const replies = await this.store.connection.pipeline(
        Array.from({ length: this.store.keys.partitions }, (_, p) => ['XREVRANGE', this.store.keys.log(p), '+', '-', 'COUNT', 1]),
      );
      replies.forEach((r, p) => {
        const top = r as Array<[string, unknown]>;
        if (Array.isArray(top) && top.length > 0) cp[p] = top[0][0];
      });
    } else if (from !== 'start') {
      Object.assign(cp, from);
    }
    return cp;
  }

  /** Block until some partition log has an entry after the checkpoint (or blockMs passes). */
  private async waitForMore(conn: Connection): Promise<void> {
    const k = this.store.keys;
    const logs = Array.from({ length: k.partitions }, (_, p) => k.log(p));
    const ids = logs.map((_, p) => this.checkpoint[p] ?? '0-0');
    if (conn.features.cluster && k.partitions > 1) return this.waitAcrossSlots(conn, logs, ids);
    this.reader ??= await conn.duplicate();
    await this.reader.send(['XREAD', 'COUNT', 1, 'BLOCK', this.blockMs, 'STREAMS', ...logs, ...ids]);
  }

  /** Cluster: each partition log's blocking XREAD, on a connection of its own (one XREAD cannot span slots). */
  private slotReaders: Array<Connection | undefined> = [];
  /** Each log's blocking XREAD still out (a wake-up only: it consumes nothing). */
  private slotWaits: Array<Promise<void> | undefined> = [];

  /**
   * Cluster, several partitions: a blocking XREAD on every log at once
   * (one still out from an earlier wait is waited on again, not sent
   * twice), until the first answers. A master that stops answering is the
   * connection's watchdog's business (src/client/watchdog.ts).
   */
  private async waitAcrossSlots(conn: Connection, logs: string[], ids: string[]): Promise<void> {
    await Promise.race(logs.map((log, p) => (this.slotWaits[p] ??= this.blockOn(conn, p, log, ids[p]))));
  }

  private async blockOn(conn: Connection, p: number, log: string, id: string): Promise<void> {
    try {
      let reader = this.slotReaders[p];
      if (reader === undefined) {
        reader = await conn.duplicate();
        if (this.stopping) return void (await reader.close());
        this.slotReaders[p] = reader;
      }
      await reader.send(['XREAD', 'COUNT', 1, 'BLOCK', this.blockMs, 'STREAMS', log, id]);
    } catch {
      // What failed shows in the read that follows, on the store's connection;
      // a pause keeps a read that fails at once from spinning.
      if (!this.stopping) await sleep(100);
    } finally {
      this.slotWaits[p] = undefined;
    }
  }

  /** Close the blocking reads' connections (stop, or the end of run). */
  private async closeReaders(): Promise<void> {
    const readers = [this.reader, ...this.slotReaders];
    this.reader = null;
    this.slotReaders = [];
    await Promise.all(readers.map((r) => r?.close()));
  }

  private async handleBatch(events: RecordedEvent[], after: Checkpoint): Promise<void> {
    const conn = this.store.connection;
    const tx: Arg[][] = [];
    for (const event of events) {
      if (this.stopping) return; // the checkpoint is not advanced past unhandled events
      tx.push(...(await this.handleOne(event)));
    }
    const cpArgs: Arg[] = [];
    for (const [p, id] of Object.entries(after)) cpArgs.push(p, id);
    const replies = await conn.pipeline([['MULTI'], ...tx, ['HSET', this.checkpointKey, ...cpArgs], ['EXEC']]);
    const exec = replies[replies.length - 1];
    if (exec instanceof Error) throw exec;
    this.checkpoint = { ...after };
    this.processed += events.length;
  }

  /** The event's Redis writes, or its dead-letter entry after maxAttempts failures. */
  private async handleOne(event: RecordedEvent): Promise<Arg[][]> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const ctx: SubscriptionContext = { tx: [], connection: this.store.connection, attempt };
      try {
        await this.options.handler(event, ctx);
        return ctx.tx;
      } catch (e) {
        lastError = e;
        if (attempt < this.maxAttempts) {
          const delay = Math.min(30_000, this.backoffMs * 2 ** (attempt - 1));
          await sleep(delay / 2 + Math.random() * (delay / 2));
        }
      }
    }
    this.deadLettered++;
    const err = lastError instanceof Error ? lastError : new Error(String(lastError));
    return [
      [
        'XADD', this.deadLetterKey, '*',
        'stream', event.stream, 'version', event.version, 'eventId', event.id, 'type', event.type,
        'partition', event.position.partition, 'logId', event.position.logId,
        'reason', 'handler-failed', 'attempts', this.maxAttempts, 'error', `${err.name}: ${err.message}`,
        'subscription', this.options.name,
      ],
    ];
  }
}

function positive(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) badArgument(`${name} must be a positive integer, got ${v}`);
  return v;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

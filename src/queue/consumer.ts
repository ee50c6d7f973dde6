/**
 * Consumer: a worker in a consumer group. In shared mode (the default) it
 * reads every partition of the topic, as described below; in ordered mode
 * each partition is leased to one consumer of the group at a time and
 * handled one message after another (ordered.ts).
 *
 *   read ── XREADGROUP > (BLOCK blockMs, on its own connection)
 *     │
 *     ├─ handler ok ────────────── XACK (after checking it still owns the entry), the acks
 *     │                            of one turn in one script, sent with the next read
 *     ├─ handler throws ────────── stays pending; retried after backoff(deliveries)
 *     │                            with jitter, by this consumer's PEL scan
 *     ├─ deliveries >= max ─────── dead letter (one script: XADD dlq + XACK, if still its own)
 *     └─ payload fails schema ──── dead letter at once
 *
 *   scan (every scanIntervalMs):
 *     own PEL: entries not in flight whose backoff passed → XCLAIM to self
 *       (counts a delivery) → handler again. This also picks up, after a
 *       restart, what the consumer had pending before it stopped.
 *     others: entries idle >= claimIdleMs (their consumer died or hung) →
 *       XCLAIM with that min-idle (so a live owner's heartbeat wins) →
 *       'reclaimed' event → handler.
 *   heartbeat (every heartbeatMs) for in-flight entries: XCLAIM ... JUSTID
 *     to self resets the idle time, so a long handler keeps its message.
 *
 * Ownership: before an ack or a heartbeat the consumer checks, with
 * XPENDING, that it still owns the entry; if another consumer reclaimed it
 * (this one was paused or slow), it does not ack on the new owner's behalf
 * and reports { type: 'lost' }. The check and the ack (or the dead letter)
 * are one script, so a reclaim cannot land between them.
 */
import type { Arg, Connection, Reply } from '../client/connection.ts';
import { isRedisReplyError } from '../client/errors.ts';
import { forgetIdleConsumers } from './idle-consumers.ts';
import { badOption } from './errors.ts';
import { withDefaults, type ConsumerOptions, type Resolved } from './consumer-options.ts';
import { EventChannel, type ConsumerEvent } from './events.ts';
import { Acker } from './acks.ts';
import { Handling } from './handling.ts';
import { messagesOf } from './iterate.ts';
import type { Handler, Message } from './message.ts';
import { InFlight } from './in-flight.ts';
import { OrderedRunner, type TakenEntry } from './ordered.ts';
import { PelScan } from './pel-scan.ts';
import { Reader } from './reader.ts';
import type { Topic } from './topic.ts';

export type { Handler };

type Entry = TakenEntry;

export class Consumer<T> {
  readonly options: Resolved;
  readonly events = new EventChannel<ConsumerEvent>();
  private readonly conn: Connection;
  /** The blocking read, on its own connection (reader.ts). */
  private readonly reader: Reader;
  private running = false;
  private stopping = false;
  /** Handler slots, the handler's runs and their outcome: ack, retry, dead letter (handling.ts). */
  private readonly handling: Handling<T>;
  /** Ack batches, and the heartbeat's touch (acks.ts). */
  private readonly acker: Acker;
  /** Retries and reclaims from the pending entries lists (pel-scan.ts). */
  private readonly pel: PelScan;
  private scanTimer: NodeJS.Timeout | undefined;
  private forgetTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private ordered: OrderedRunner | null = null;

  constructor(
    readonly topic: Topic<T>,
    options: ConsumerOptions,
  ) {
    this.options = withDefaults(options);
    this.conn = this.options.connection;
    const parts = { conn: this.conn, topic, options: this.options, events: this.events, inFlight: new InFlight(topic.partitions) };
    const fail = (e: unknown) => this.fail(e);
    const backoff = (deliveries: number) => this.backoff(deliveries);
    this.reader = new Reader(parts);
    this.acker = new Acker(parts, {
      track: (p) => this.handling.track(p),
      nudge: () => this.handling.nudge(),
      fail,
    });
    this.handling = new Handling(parts, this.acker, { backoff, fail });
    this.pel = new PelScan(parts, {
      stopping: () => this.stopping,
      freeSlots: () => this.handling.freeSlots(),
      backoff,
      take: (e) => {
        this.handling.take(e);
        this.handling.pump();
      },
      deadLetter: (e, reason, error) => this.handling.deadLetter(e, reason, error),
    });
  }

  get name(): string {
    return this.options.name;
  }

  /** Run `handler` for every message until stop(); resolves when stopped. */
  async run(handler: Handler<T>): Promise<void> {
    if (this.running) badOption('this consumer is already running');
    this.running = true;
    this.handling.handler = handler;
    try {
      await this.ensureGroups();
      this.forgetTimer = this.forgetIdleMembers();
      if (this.options.mode === 'ordered') return await this.runOrdered();
      await this.reader.open();
    } catch (e) {
      // Could not start (no server within connectTimeoutMs, ...): nothing left running, run() may be called again.
      clearInterval(this.forgetTimer);
      this.running = false;
      throw e;
    }
    this.events.emit({ type: 'started', consumer: this.name });
    this.scanTimer = setInterval(() => void this.pel.scan().catch((e) => this.fail(e)), this.options.scanIntervalMs);
    this.heartbeatTimer = setInterval(() => void this.acker.heartbeat().catch((e) => this.fail(e)), this.options.heartbeatMs);
    const handling = this.handling;
    try {
      // Pick up what this consumer name had pending before (a restart).
      await this.pel.scan();
      /** The last read filled a batch of more than one: a backlog, so read on at once. */
      let full = false;
      while (!this.stopping) {
        const free = handling.freeSlots();
        if (free <= 0) {
          await handling.slotFreed();
          continue;
        }
        if (!full) {
          // Messages come one or a few at a time: this turn's acks go out
          // with the read, ahead of it, in one write. With a backlog (the
          // last read filled a batch) the read goes out at once instead, so
          // the server reads on while the batch's handlers run.
          await this.acker.beforeRead(this.reader.connection);
          if (this.stopping) break;
        }
        let entries: Entry[];
        try {
          entries = await this.reader.read(free);
        } catch (e) {
          if (this.stopping) break;
          if (isRedisReplyError(e, 'NOGROUP') || isRedisReplyError(e, 'UNBLOCKED')) {
            await this.ensureGroups();
            continue;
          }
          this.fail(e);
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        // Start them, then read on: a handler that awaits does not hold up
        // the next read (at most one turn, for the acks of those that
        // finish at once), and that read's round trip overlaps it.
        full = free > 1 && entries.length >= free;
        for (const e of entries) handling.take(e);
        if (entries.length > 0) handling.pump();
      }
    } finally {
      clearInterval(this.scanTimer);
      clearInterval(this.heartbeatTimer);
      clearInterval(this.forgetTimer);
      // Reads still out (a cluster's other partitions) bring entries: handle them too.
      for (const e of await this.reader.settle()) handling.take(e);
      await handling.drain();
      await this.reader.close();
      this.running = false;
      this.events.emit({ type: 'stopped', consumer: this.name });
    }
  }

  /**
   * The messages, for `for await (const m of consumer.messages())`: each is
   * acked when the loop asks for the next (with `concurrency` > 1 the next
   * ones are already running their reads meanwhile). A loop that leaves early
   * (break, return, or an error thrown in its body) hands back the message it
   * was on and any read ahead: they stay pending, their delivery uncounted,
   * for any consumer of the group to take at once (at least once, no failure
   * counted). Leaving the loop stops the
   * consumer; stop() ends the loop once what was read is through. The
   * other style is run(handler); a consumer runs one or the other.
   */
  messages(): AsyncGenerator<Message<T>, void, undefined> {
    return messagesOf(this);
  }

  /**
   * Stop reading, let in-flight handlers finish (their messages are acked or
   * left pending for retry), then resolve run(). Idempotent.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.handling.nudge();
    this.ordered?.stop();
  }

  /** Ordered mode: partitions held now (empty in shared mode). */
  get partitions(): number[] {
    return this.ordered?.partitions ?? [];
  }

  private async runOrdered(): Promise<void> {
    const o = this.options;
    this.ordered = new OrderedRunner({
      ...o,
      conn: this.conn,
      topic: this.topic as Topic<unknown>,
      events: this.events,
      process: (e, ackQueued) => this.handling.process(e, undefined, ackQueued),
      flushAcks: () => this.acker.flushNow(),
      deadLetter: (e, reason, error) => this.handling.deadLetter(e, reason, error),
      fail: (e) => this.fail(e),
    });
    this.events.emit({ type: 'started', consumer: this.name });
    try {
      if (!this.stopping) await this.ordered.run();
    } finally {
      clearInterval(this.forgetTimer);
      this.running = false;
      this.events.emit({ type: 'stopped', consumer: this.name });
    }
  }

  /**
   * The timer that now and then (half of forgetIdleConsumersMs, at most a
   * minute, at least scanIntervalMs) removes the group's idle members with
   * nothing pending (idle-consumers.ts); undefined when turned off.
   */
  private forgetIdleMembers(): NodeJS.Timeout | undefined {
    const o = this.options;
    if (o.forgetIdleConsumersMs === 0) return undefined;
    const every = Math.max(o.scanIntervalMs, Math.min(60_000, Math.floor(o.forgetIdleConsumersMs / 2)));
    const timer = setInterval(() => void this.forgetIdleOnce().catch((e) => this.fail(e)), every);
    timer.unref();
    return timer;
  }

  private forgetting = false;

  private async forgetIdleOnce(): Promise<void> {
    if (this.forgetting || this.stopping) return;
    this.forgetting = true;
    try {
      for (let p = 0; p < this.topic.partitions; p++) {
        const gone = await forgetIdleConsumers(this.conn, this.topic.stream(p), this.options.group, this.options.forgetIdleConsumersMs, this.name);
        for (const consumer of gone) this.events.emit({ type: 'consumer-removed', partition: p, consumer });
      }
    } finally {
      this.forgetting = false;
    }
  }

  private fail(e: unknown): void {
    this.events.emit({ type: 'error', error: e instanceof Error ? e : new Error(String(e)) });
  }

  private async ensureGroups(): Promise<void> {
    for (let p = 0; p < this.topic.partitions; p++) {
      try {
        await this.conn.send(['XGROUP', 'CREATE', this.topic.stream(p), this.options.group, this.options.startId, 'MKSTREAM']);
        this.events.emit({ type: 'group-created', partition: p });
      } catch (e) {
        if (!isRedisReplyError(e, 'BUSYGROUP')) throw e;
      }
    }
  }

  /** Delay before the next delivery after `deliveries` failed ones. */
  backoff(deliveries: number): number {
    const o = this.options;
    const base = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** Math.max(0, deliveries - 1));
    return Math.round(base * (1 - o.jitter * Math.random()));
  }
}

export type { Arg, Reply };

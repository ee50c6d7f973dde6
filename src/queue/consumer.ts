/**
 * Consumer: a worker in a consumer group. In shared mode (the default) it
 * reads every partition of the topic, as described below; in ordered mode
 * each partition is leased to one consumer of the group at a time and
 * handled one message after another (ordered.ts).
 *
 *   read ── XREADGROUP > (BLOCK blockMs, on its own connection)
 *     │
 *     ├─ handler ok ────────────── XACK (after checking it still owns the entry)
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
import { deadLetterIfOwned } from './dead-letters.ts';
import { forgetIdleConsumers } from './idle-consumers.ts';
import { promoteDue } from './delayed.ts';
import { badOption } from './errors.ts';
import { withDefaults, type ConsumerOptions, type Resolved } from './consumer-options.ts';
import { EventChannel, type ConsumerEvent } from './events.ts';
import { AckBatch, ackOrTouchIfOwned, handBackIfOwned } from './acks.ts';
import { HANDED_BACK, messagesOf } from './iterate.ts';
import { decodeFields, type Message } from './message.ts';
import { entriesOf, InFlight } from './in-flight.ts';
import { OrderedRunner, type TakenEntry } from './ordered.ts';
import { validate } from './standard-schema.ts';
import type { Topic } from './topic.ts';
import { inProcessSpan, tracing } from './tracing.ts';

export type Handler<T> = (message: Message<T>) => Promise<void> | void;

type Entry = TakenEntry;

/** The PEL scan reads pending entries SCAN_PAGE at a time, at most SCAN_PAGES pages a pass. */
const SCAN_PAGE = 100;
const SCAN_PAGES = 10;

/** The idle time a handed-back entry gets: past any claimIdleMs below a year, so any consumer takes it at once. */
const HANDED_BACK_IDLE_MS = 365 * 24 * 3_600_000;

/** Where COUNT's value sits in a read's arguments. */
const READ_COUNT_AT = 5;

export class Consumer<T> {
  readonly options: Resolved;
  readonly events = new EventChannel<ConsumerEvent>();
  private readonly conn: Connection;
  private reader: Connection | null = null;
  private running = false;
  private stopping = false;
  private blockTurn = 0;
  /** Entries taken and not yet settled (handler running, or its ack on the way). */
  private readonly inFlight: InFlight;
  private readonly work = new Set<Promise<void>>();
  /**
   * Handlers running: what `concurrency` limits. A message whose handler
   * finished frees its slot while its ack is on the way, so the next read
   * overlaps the ack's round trip (within `prefetch`).
   */
  private busy = 0;
  /** Resolves the read loop's wait for a free slot. */
  private wakeUp: (() => void) | null = null;
  private scanTimer: NodeJS.Timeout | undefined;
  private forgetTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private handler: Handler<T> | null = null;
  private ordered: OrderedRunner | null = null;

  constructor(
    readonly topic: Topic<T>,
    options: ConsumerOptions,
  ) {
    this.options = withDefaults(options);
    this.conn = this.options.connection;
    this.inFlight = new InFlight(topic.partitions);
  }

  get name(): string {
    return this.options.name;
  }

  /** Run `handler` for every message until stop(); resolves when stopped. */
  async run(handler: Handler<T>): Promise<void> {
    if (this.running) badOption('this consumer is already running');
    this.running = true;
    this.handler = handler;
    try {
      await this.ensureGroups();
      this.forgetTimer = this.forgetIdleMembers();
      if (this.options.mode === 'ordered') return await this.runOrdered();
      this.reader = await this.conn.duplicate();
    } catch (e) {
      // Could not start (no server within connectTimeoutMs, ...): nothing left running, run() may be called again.
      clearInterval(this.forgetTimer);
      this.running = false;
      throw e;
    }
    this.events.emit({ type: 'started', consumer: this.name });
    this.scanTimer = setInterval(() => void this.scan().catch((e) => this.fail(e)), this.options.scanIntervalMs);
    this.heartbeatTimer = setInterval(() => void this.heartbeat().catch((e) => this.fail(e)), this.options.heartbeatMs);
    try {
      // Pick up what this consumer name had pending before (a restart).
      await this.scan();
      while (!this.stopping) {
        const free = this.freeSlots();
        if (free <= 0) {
          await new Promise<void>((r) => (this.wakeUp = r));
          continue;
        }
        let entries: Entry[];
        try {
          entries = await this.read(free);
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
        // Start them, then read on: a message's handler does not wait for
        // the next read to be written, and that read's round trip overlaps
        // the handlers that await.
        for (const e of entries) this.take(e);
        if (entries.length > 0) this.pump();
      }
    } finally {
      clearInterval(this.scanTimer);
      clearInterval(this.heartbeatTimer);
      clearInterval(this.forgetTimer);
      // A handler that finishes queues its ack: wait for that too.
      for (;;) {
        this.pump();
        if (this.work.size === 0 && this.fastRunning === 0 && this.queued.length === this.queuedAt && this.ackBatch === null) break;
        if (this.work.size > 0) await Promise.allSettled([...this.work]);
        else if (this.fastRunning > 0) await new Promise<void>((r) => (this.fastIdle = r));
        else await new Promise((r) => setImmediate(r)); // an ack batch flushes in this turn's check phase
      }
      await this.reader?.close();
      this.reader = null;
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
    this.nudge();
    this.ordered?.stop();
  }

  /**
   * How many more messages may be read now: up to `concurrency` at a time,
   * and at most `concurrency + prefetch` taken and not settled (running,
   * waiting for a handler slot, or waiting for their ack).
   */
  private freeSlots(): number {
    const c = this.options.concurrency;
    return Math.min(c, c + this.options.prefetch - this.inFlight.size);
  }

  /** Read and waiting for a handler slot: queued[queuedAt..]. */
  private queued: Entry[] = [];
  private queuedAt = 0;
  private pumping = false;

  /** Take an entry read or reclaimed: in flight from now on, run when a slot is free. */
  private take(e: Entry): void {
    if (this.inFlight.add(e)) this.queued.push(e);
  }

  /** Start queued entries while handler slots are free. */
  private pump(): void {
    if (this.pumping) return; // a handler that returned at once: the loop below goes on
    this.pumping = true;
    try {
      while (this.busy < this.options.concurrency && this.queuedAt < this.queued.length) {
        this.start(this.queued[this.queuedAt++]);
      }
      if (this.queuedAt === this.queued.length) {
        this.queued = [];
        this.queuedAt = 0;
      }
    } finally {
      this.pumping = false;
    }
  }

  /** A slot may have freed: let the read loop go on. */
  private nudge(): void {
    const w = this.wakeUp;
    if (w !== null) {
      this.wakeUp = null;
      w();
    }
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
      process: (e) => this.process(e),
      deadLetter: (e, reason, error) => this.deadLetter(e, reason, error),
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

  /** The partition streams, and the blocking read's arguments with COUNT at READ_COUNT_AT (built once). */
  private keys: string[] = [];
  private readArgs: Arg[] = [];

  private async read(count: number): Promise<Entry[]> {
    if (this.readArgs.length === 0) {
      this.keys = Array.from({ length: this.topic.partitions }, (_, p) => this.topic.stream(p));
      const o = this.options;
      this.readArgs = ['XREADGROUP', 'GROUP', o.group, this.name, 'COUNT', 0, 'BLOCK', o.blockMs, 'STREAMS', ...this.keys, ...this.keys.map(() => '>')];
    }
    const keys = this.keys;
    if (this.conn.features.cluster && keys.length > 1) return this.readAcrossSlots(keys, ['XREADGROUP', 'GROUP', this.options.group, this.name, 'COUNT', count]);
    const args = this.readArgs.slice(); // a fresh array: a backend may keep the one it gets
    args[READ_COUNT_AT] = count;
    return entriesOf(await this.reader!.send(args), keys);
  }

  /**
   * Cluster: one XREADGROUP cannot span slots. Read every partition without
   * blocking (one pipeline, split by slot), and when all are empty block on
   * one partition in turn for a short while (at most 100 ms).
   */
  private async readAcrossSlots(keys: string[], group: Arg[]): Promise<Entry[]> {
    const replies = await this.conn.pipeline(keys.map((k) => [...group, 'STREAMS', k, '>']));
    const out: Entry[] = [];
    for (const r of replies) {
      if (r instanceof Error) throw r;
      out.push(...entriesOf(r, keys));
    }
    if (out.length > 0) return out;
    const k = keys[this.blockTurn++ % keys.length];
    return entriesOf(await this.reader!.send([...group, 'BLOCK', Math.min(this.options.blockMs, 100), 'STREAMS', k, '>']), keys);
  }

  /** Run the handler for `e` (in flight). */
  private start(e: Entry): void {
    this.busy++;
    // The common case (no schema, no tracing, a JSON payload) goes straight to
    // the handler: no promise per message beyond the handler's own, and the
    // ack batch settles its messages itself.
    const msg = this.topic.schema || tracing() ? undefined : this.message(e);
    if (msg === undefined) return this.startSlow(e);
    let r: Promise<void> | void;
    try {
      r = this.handler!(msg);
    } catch (err) {
      return this.startSlow(e, err);
    }
    if (r !== undefined && typeof (r as PromiseLike<void>).then === 'function') {
      // Counted, not kept in `work`: no promise per message for stop() to
      // hold. Promise.resolve returns a native promise as it is (a thenable
      // gets one that settles once).
      this.fastRunning++;
      Promise.resolve(r).then(
        () => this.fastSettled(e, false, undefined),
        (err: unknown) => this.fastSettled(e, true, err),
      );
    } else {
      this.handled(e);
    }
  }

  /** Fast-path handlers whose promise has not settled; stop() waits for them through `fastIdle`. */
  private fastRunning = 0;
  private fastIdle: (() => void) | null = null;

  /** A fast-path handler's promise settled: on to its ack, or to the general path with its error. */
  private fastSettled(e: Entry, failed: boolean, err: unknown): void {
    if (--this.fastRunning === 0 && this.fastIdle !== null) {
      const idle = this.fastIdle;
      this.fastIdle = null;
      idle();
    }
    if (failed) this.startSlow(e, err);
    else this.handled(e);
  }

  /** Keep `p` in `work` (what stop() waits for) until it settles. */
  private track(p: Promise<void>): void {
    this.work.add(p);
    void p.finally(() => this.work.delete(p));
  }

  /** The handler returned: free its slot, and let the next ack batch ack the entry and settle it. */
  private handled(e: Entry): void {
    this.busy--;
    this.queueAck(e).settle.push(e);
    this.pump();
  }

  /**
   * The general path (schema, tracing, an unparsable payload, or a handler
   * that failed on the fast path: then `failed` holds its error).
   */
  private startSlow(e: Entry, failed?: unknown): void {
    const slot = { held: true };
    const run = failed === undefined ? this.process(e, slot) : this.afterFailure(e, failed);
    this.track(
      run.then(
        () => this.settled(e, slot),
        (err: unknown) => {
          this.fail(err);
          this.settled(e, slot);
        },
      ),
    );
  }

  private settled(e: Entry, slot: { held: boolean }): void {
    this.inFlight.delete(e);
    this.release(slot);
    this.nudge();
  }

  /** The message a handler gets, or undefined when the payload is not JSON (process() dead-letters it). */
  private message(e: Entry): Message<T> | undefined {
    const raw = decodeFields(e.fields);
    let payload: unknown;
    try {
      payload = raw.payloadText === undefined ? undefined : JSON.parse(raw.payloadText);
    } catch {
      return undefined;
    }
    return { id: e.id, topic: this.topic.name, partition: e.partition, key: raw.key, payload: payload as T, headers: raw.headers, deliveries: e.deliveries };
  }

  /** Give back a handler slot (once). */
  private release(slot: { held: boolean }): void {
    if (!slot.held) return;
    slot.held = false;
    this.busy--;
    this.pump();
  }

  /** Handle one entry; `slot` (shared mode) is released when the handler is done, before the ack. */
  private async process(e: Entry, slot?: { held: boolean }): Promise<void> {
    let msg = this.message(e);
    if (msg === undefined) return this.deadLetter(e, 'malformed payload', 'the payload is not JSON');
    if (this.topic.schema) {
      const v = await validate(this.topic.schema, msg.payload);
      if (!v.ok) return this.deadLetter(e, 'schema', v.reason);
      msg = { ...msg, payload: v.value as T };
    }
    try {
      // Without an SDK the handler runs bare; inline arrows otherwise: a named
      // closure per message costs a defineProperty under tsx (keepNames).
      if (!tracing()) await this.handler!(msg);
      else await inProcessSpan(
        this.topic.name,
        msg.headers,
        () => ({
          'messaging.message.id': e.id,
          'messaging.destination.partition.id': String(e.partition),
          'messaging.consumer.group.name': this.options.group,
          'messaging.client.id': this.name,
          'brook.deliveries': e.deliveries,
        }),
        () => this.handler!(msg),
      );
    } catch (err) {
      return this.afterFailure(e, err);
    }
    if (slot !== undefined) this.release(slot);
    await this.queueAck(e).done(); // a message another consumer took is reported `lost` by the ack
  }

  /** A handler failed: retry later (the entry stays pending), or dead-letter it after maxDeliveries. */
  private async afterFailure(e: Entry, err: unknown): Promise<void> {
    if (err === HANDED_BACK) {
      // A for-await loop left before this one: give it back uncounted, for another consumer to take at once.
      await handBackIfOwned(this.conn, this.topic.stream(e.partition), this.options.group, this.name, e.id, HANDED_BACK_IDLE_MS, e.deliveries - 1);
      return;
    }
    const error = err instanceof Error ? err.message : String(err);
    if (e.deliveries >= this.options.maxDeliveries) {
      return this.deadLetter(e, `failed ${e.deliveries} deliveries`, error);
    }
    this.events.emit({ type: 'retry', id: e.id, partition: e.partition, deliveries: e.deliveries, delayMs: this.backoff(e.deliveries), error });
  }

  private ackBatch: AckBatch | null = null;

  /**
   * Put `e` in the next ack batch: handlers that finish in the same turn are
   * acked with one script call per partition, each unless another consumer
   * owns it now (then `lost` is emitted); check and ack are one atomic step.
   */
  private queueAck(e: Entry): AckBatch {
    let batch = this.ackBatch;
    if (batch === null) {
      batch = this.ackBatch = new AckBatch();
      setImmediate(this.flushTask);
    }
    batch.add(e.partition, e.id);
    return batch;
  }

  private readonly flushTask = () => {
    const batch = this.ackBatch!;
    this.ackBatch = null;
    this.track(
      this.flushAcks(batch).then(
        () => this.flushed(batch, false, undefined),
        (error: unknown) => {
          if (batch.settle.length > 0) this.fail(error); // once for the fast path's entries (they stay pending and are retried); process() gets it itself
          this.flushed(batch, true, error);
        },
      ),
    );
  };

  private flushed(batch: AckBatch, failed: boolean, error: unknown): void {
    for (const e of batch.settle) this.inFlight.delete(e);
    batch.finish(failed, error);
    this.nudge();
  }

  /** One script call per partition. */
  private flushAcks(batch: AckBatch): Promise<unknown> {
    const { partitions, ids } = batch;
    if (partitions.length === 1) return this.ifOwned('ack', partitions[0], ids[0]);
    return Promise.all(partitions.map((p, i) => this.ifOwned('ack', p, ids[i])));
  }

  /** ackOrTouchIfOwned for one partition; emits `lost` for each id this consumer no longer owns. */
  private async ifOwned(mode: 'ack' | 'touch', partition: number, ids: string[]): Promise<void> {
    const lost = await ackOrTouchIfOwned(this.conn, this.topic.stream(partition), this.options.group, this.name, mode, ids);
    for (const [id, owner] of lost) this.events.emit({ type: 'lost', id, partition, owner });
  }


  /** Delay before the next delivery after `deliveries` failed ones. */
  backoff(deliveries: number): number {
    const o = this.options;
    const base = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** Math.max(0, deliveries - 1));
    return Math.round(base * (1 - o.jitter * Math.random()));
  }

  /** Dead-letter `e` if this consumer still owns it (one script: check, dead letter, ack); else report it lost. */
  private async deadLetter(e: Entry, reason: string, error: string): Promise<void> {
    const owner = await deadLetterIfOwned(this.conn, this.topic as Topic<unknown>, e.partition, e.id, e.fields, {
      reason, error, group: this.options.group, consumer: this.name, deliveries: e.deliveries,
    });
    if (owner !== true) this.events.emit({ type: 'lost', id: e.id, partition: e.partition, owner });
    else this.events.emit({ type: 'dead-lettered', id: e.id, partition: e.partition, reason, deliveries: e.deliveries });
  }

  /** Reset the idle time of in-flight messages this consumer still owns (one script call per partition). */
  private async heartbeat(): Promise<void> {
    const byPartition = new Map<number, string[]>();
    for (const e of this.inFlight.values()) {
      const ids = byPartition.get(e.partition) ?? [];
      ids.push(e.id);
      byPartition.set(e.partition, ids);
    }
    for (const [partition, ids] of byPartition) await this.ifOwned('touch', partition, ids);
  }

  private scanning = false;

  /** Retry own failed entries whose backoff passed; take over entries of dead consumers. */
  private async scan(): Promise<void> {
    if (this.scanning || this.stopping) return;
    this.scanning = true;
    try {
      const o = this.options;
      for (let p = 0; p < this.topic.partitions; p++) {
        await promoteDue(this.conn, this.topic.stream(p));
        // Any member's entries idle past claimIdleMs, then this consumer's own idle past the
        // shortest backoff. The IDLE filter keeps live members' entries (their heartbeats keep
        // them fresh) from filling the pages, however many they hold.
        if (!(await this.scanPending(p, o.claimIdleMs))) return;
        if (!(await this.scanPending(p, Math.floor(o.backoffMs * (1 - o.jitter)), this.name))) return;
      }
    } finally {
      this.scanning = false;
    }
  }

  /**
   * Go through partition `p`'s pending entries idle at least `minIdle` ms
   * (only `onlyOf`'s, if given), a page of SCAN_PAGE at a time, up to
   * SCAN_PAGES pages: claim those due (own ones whose backoff passed, others'
   * idle past claimIdleMs) and take them. False when out of free slots or
   * stopping.
   */
  private async scanPending(p: number, minIdle: number, onlyOf?: string): Promise<boolean> {
    const stream = this.topic.stream(p);
    const o = this.options;
    let from = '-';
    for (let page = 0; page < SCAN_PAGES; page++) {
      const args: Arg[] = ['XPENDING', stream, o.group, 'IDLE', minIdle, from, '+', SCAN_PAGE];
      if (onlyOf !== undefined) args.push(onlyOf);
      const pending = (await this.conn.send(args)) as Array<[string, string, number, number]>;
      for (const [id, owner, idle, deliveries] of pending) {
        if (this.stopping || this.freeSlots() <= 0) return false;
        if (this.inFlight.has(p, id)) continue;
        const mine = owner === this.name;
        if (mine ? idle < this.backoff(deliveries) : idle < o.claimIdleMs) continue;
        const minIdleToClaim = mine ? 0 : o.claimIdleMs;
        const claimed = (await this.conn.send(['XCLAIM', stream, o.group, this.name, minIdleToClaim, id])) as Array<[string, string[]]>;
        if (claimed.length === 0) {
          // Deleted from the stream (XCLAIM dropped it), or its owner came back.
          continue;
        }
        const e: Entry = { partition: p, id, fields: claimed[0][1], deliveries: deliveries + 1 };
        if (!mine) this.events.emit({ type: 'reclaimed', id, partition: p, from: owner, deliveries: e.deliveries });
        if (e.deliveries > o.maxDeliveries) {
          await this.deadLetter(e, `exceeded ${o.maxDeliveries} deliveries`, 'its consumers stopped before finishing it');
          continue;
        }
        this.take(e);
        this.pump();
      }
      if (pending.length < SCAN_PAGE) break;
      from = `(${pending[pending.length - 1][0]}`;
    }
    return true;
  }
}

export type { Arg, Reply };

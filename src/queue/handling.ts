/**
 * How a consumer runs its handler on the entries it takes (read, or
 * claimed by the PEL scan), and what follows: ack, retry or dead letter.
 *
 *   take ── queued ── pump (a slot free: busy < concurrency) ── start
 *     start, fast path (no schema, no tracing, a JSON payload): the
 *       handler, then handled() → the next ack batch (acks.ts) settles it
 *     startSlow, general path: process() (schema, tracing span, handler,
 *       ack) or afterFailure() (retry, hand back, dead letter), tracked
 *       in `work` until settled
 *
 * An entry is in flight (`inFlight`) from take until settled; the handler
 * slot it holds is freed as soon as its handler is done, before its ack.
 * Ordered mode (ordered.ts) uses only process() and deadLetter().
 */
import type { Connection } from '../client/connection.ts';
import { handBackIfOwned, type Acker } from './acks.ts';
import type { Resolved } from './consumer-options.ts';
import { deadLetterIfOwned } from './dead-letters.ts';
import type { ConsumerEvent, EventChannel } from './events.ts';
import type { InFlight } from './in-flight.ts';
import { HANDED_BACK } from './iterate.ts';
import { decodeFields, type Handler, type Message } from './message.ts';
import type { TakenEntry as Entry } from './ordered.ts';
import type { ConsumerParts } from './parts.ts';
import { validate } from './standard-schema.ts';
import type { Topic } from './topic.ts';
import { inProcessSpan, tracing } from './tracing.ts';

/** The idle time a handed-back entry gets: past any claimIdleMs below a year, so any consumer takes it at once. */
const HANDED_BACK_IDLE_MS = 365 * 24 * 3_600_000;

/** What the handling needs of its consumer besides its parts. */
export interface HandlingHost {
  /** The delay before the next delivery after `deliveries` failed ones (Consumer.backoff). */
  backoff(deliveries: number): number;
  /** Report an error (an `error` event). */
  fail(e: unknown): void;
}

export class Handling<T> {
  /** The handler run() was given. */
  handler: Handler<T> | null = null;
  /** What stop() waits for besides the fast path: the general path's runs and the ack flushes. */
  private readonly work = new Set<Promise<void>>();
  /**
   * Handlers running: what `concurrency` limits. A message whose handler
   * finished frees its slot while its ack is on the way, so the next read
   * overlaps the ack's round trip (within `prefetch`).
   */
  private busy = 0;
  /** Resolves the read loop's wait for a free slot. */
  private wakeUp: (() => void) | null = null;

  /** The parts, as fields of its own: the hot path reads them per message. */
  private readonly conn: Connection;
  private readonly topic: Topic<T>;
  private readonly options: Resolved;
  private readonly events: EventChannel<ConsumerEvent>;
  private readonly inFlight: InFlight;

  constructor(
    parts: ConsumerParts<T>,
    private readonly acker: Acker,
    private readonly host: HandlingHost,
  ) {
    this.conn = parts.conn;
    this.topic = parts.topic;
    this.options = parts.options;
    this.events = parts.events;
    this.inFlight = parts.inFlight;
  }

  /**
   * How many more messages may be read now: up to `concurrency` at a time,
   * and at most `concurrency + prefetch` taken and not settled (running,
   * waiting for a handler slot, or waiting for their ack).
   */
  freeSlots(): number {
    const c = this.options.concurrency;
    return Math.min(c, c + this.options.prefetch - this.inFlight.size);
  }

  /** Read and waiting for a handler slot: queued[queuedAt..]. */
  private queued: Entry[] = [];
  private queuedAt = 0;
  private pumping = false;

  /** Take an entry read or reclaimed: in flight from now on, run when a slot is free. */
  take(e: Entry): void {
    if (this.inFlight.add(e)) this.queued.push(e);
  }

  /** Start queued entries while handler slots are free. */
  pump(): void {
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

  /** Resolves at the next nudge(): the read loop's wait for a free slot. */
  slotFreed(): Promise<void> {
    return new Promise<void>((r) => (this.wakeUp = r));
  }

  /** A slot may have freed: let the read loop go on. */
  nudge(): void {
    const w = this.wakeUp;
    if (w !== null) {
      this.wakeUp = null;
      w();
    }
  }

  /** Resolves once nothing is queued, running or waiting for its ack (run() stopping). */
  async drain(): Promise<void> {
    // A handler that finishes queues its ack: wait for that too.
    for (;;) {
      this.pump();
      if (this.work.size === 0 && this.fastRunning === 0 && this.queued.length === this.queuedAt && this.acker.idle) break;
      if (this.work.size > 0) await Promise.allSettled([...this.work]);
      else if (this.fastRunning > 0) await new Promise<void>((r) => (this.fastIdle = r));
      else await new Promise((r) => setImmediate(r)); // an ack batch flushes in this turn's check phase
    }
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
  track(p: Promise<void>): void {
    this.work.add(p);
    void p.finally(() => this.work.delete(p));
  }

  /** The handler returned: free its slot, and let the next ack batch ack the entry and settle it. */
  private handled(e: Entry): void {
    this.busy--;
    this.acker.queueAck(e).settle.push(e);
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
          this.host.fail(err);
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
  async process(e: Entry, slot?: { held: boolean }, ackQueued?: () => void): Promise<void> {
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
          'messaging.client.id': this.options.name,
          'brook.deliveries': e.deliveries,
        }),
        () => this.handler!(msg),
      );
    } catch (err) {
      return this.afterFailure(e, err);
    }
    if (slot !== undefined) this.release(slot);
    const acked = this.acker.queueAck(e);
    ackQueued?.();
    await acked.done(); // a message another consumer took is reported `lost` by the ack
  }

  /** A handler failed: retry later (the entry stays pending), or dead-letter it after maxDeliveries. */
  private async afterFailure(e: Entry, err: unknown): Promise<void> {
    if (err === HANDED_BACK) {
      // A for-await loop left before this one: give it back uncounted, for another consumer to take at once.
      await handBackIfOwned(this.conn, this.topic.stream(e.partition), this.options.group, this.options.name, e.id, HANDED_BACK_IDLE_MS, e.deliveries - 1);
      return;
    }
    const error = err instanceof Error ? err.message : String(err);
    if (e.deliveries >= this.options.maxDeliveries) {
      return this.deadLetter(e, `failed ${e.deliveries} deliveries`, error);
    }
    this.events.emit({ type: 'retry', id: e.id, partition: e.partition, deliveries: e.deliveries, delayMs: this.host.backoff(e.deliveries), error });
  }

  /** Dead-letter `e` if this consumer still owns it (one script: check, dead letter, ack); else report it lost. */
  async deadLetter(e: Entry, reason: string, error: string): Promise<void> {
    const owner = await deadLetterIfOwned(this.conn, this.topic as Topic<unknown>, e.partition, e.id, e.fields, {
      reason, error, group: this.options.group, consumer: this.options.name, deliveries: e.deliveries,
    });
    if (owner !== true) this.events.emit({ type: 'lost', id: e.id, partition: e.partition, owner });
    else this.events.emit({ type: 'dead-lettered', id: e.id, partition: e.partition, reason, deliveries: e.deliveries });
  }
}

/**
 * The consumer's acks: the ownership-checked ack (or touch) script, the
 * batch that gathers one event-loop turn's acks for it, and the Acker that
 * queues, flushes and settles those batches (and touches the in-flight
 * entries for the heartbeat).
 */
import type { Connection } from '../client/connection.ts';
import { defineScript } from '../client/script.ts';
import type { TakenEntry } from './ordered.ts';
import type { ConsumerParts } from './parts.ts';

/**
 * KEYS stream. ARGV group, consumer, 'ack' | 'touch', lowest id, highest id, ids...
 * For the ids this consumer still owns: XACK them, or XCLAIM them to itself
 * (resetting their idle time). Replies the others as a flat list of id,
 * owner ('' if no longer pending). Redis lets any member ack any entry;
 * this is what keeps a paused "zombie" from acking a message another
 * consumer took. One XPENDING over the ids' range, filtered to this
 * consumer, settles the usual case (all still owned); only the rest are
 * looked up one by one. The ids come sorted: when the range holds exactly
 * them, an ack is one XACK of ARGV as it is (no Lua table per id).
 */
const OWNED_ACK_OR_TOUCH = defineScript(
  'brook-owned-ack-or-touch',
  1,
  `local n = #ARGV - 5
local limit = n + 64
local mine = {}
local range = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[4], ARGV[5], limit, ARGV[2])
if #range == n and ARGV[3] == 'ack' then
  local same = true
  for i = 1, n do
    if range[i][1] ~= ARGV[i + 5] then same = false break end
  end
  if same then
    redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 6))
    return {}
  end
end
for _, e in ipairs(range) do mine[e[1]] = true end
local complete = #range < limit
local owned, lost = {}, {}
for i = 6, #ARGV do
  local id = ARGV[i]
  if mine[id] then
    owned[#owned + 1] = id
  else
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
    if not complete and p[1] and p[1][2] == ARGV[2] then
      owned[#owned + 1] = id
    else
      lost[#lost + 1] = id
      lost[#lost + 1] = p[1] and p[1][2] or ''
    end
  end
end
if #owned > 0 then
  local args
  if ARGV[3] == 'ack' then args = {'XACK', KEYS[1], ARGV[1]} else args = {'XCLAIM', KEYS[1], ARGV[1], ARGV[2], '0'} end
  for _, id in ipairs(owned) do args[#args + 1] = id end
  if ARGV[3] ~= 'ack' then args[#args + 1] = 'JUSTID' end
  redis.call(unpack(args))
end
return lost`,
);

/**
 * KEYS stream. ARGV group, consumer, id, idle (ms), delivery count. If the
 * consumer still owns the entry, give it back: its delivery count set back
 * and its idle time set so that another consumer takes it over at once.
 * Replies 1, or 0 when it is no longer this consumer's.
 */
const HAND_BACK = defineScript(
  'brook-hand-back',
  1,
  `local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)[1]
if not p or p[2] ~= ARGV[2] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'IDLE', ARGV[4], 'RETRYCOUNT', ARGV[5], 'JUSTID')
return 1`,
);

/**
 * Give back an entry this consumer took but will not handle (a for-await
 * loop that left): it stays pending, as if this delivery had not counted
 * (`deliveries` is the count to restore), idle for `idleMs` so that any
 * consumer whose claimIdleMs is at most that takes it at once.
 */
export async function handBackIfOwned(conn: Connection, stream: string, group: string, consumer: string, id: string, idleMs: number, deliveries: number): Promise<boolean> {
  return (await conn.script(HAND_BACK, [stream], [group, consumer, id, idleMs, deliveries])) === 1;
}

/** Whether `ids` are in ascending stream ID order (usually: handlers finish in the order read). */
function isSorted(ids: string[]): boolean {
  for (let i = 1; i < ids.length; i++) if (compareIds(ids[i - 1], ids[i]) > 0) return false;
  return true;
}

/** -1, 0 or 1: stream ID order ("ms-seq", both unsigned decimal). */
function compareIds(a: string, b: string): number {
  const i = a.indexOf('-');
  const j = b.indexOf('-');
  if (i !== j) return i < j ? -1 : 1;
  if (a.length === b.length) return a < b ? -1 : a > b ? 1 : 0; // same digit counts: text order is number order
  const ms = a.slice(0, i) < b.slice(0, j) ? -1 : a.slice(0, i) > b.slice(0, j) ? 1 : 0;
  return ms !== 0 ? ms : a.length < b.length ? -1 : 1;
}

/**
 * Ack (or touch: XCLAIM to itself, resetting the idle time) the `ids` of
 * `stream` that `consumer` of `group` still owns, in chunks of 500, one
 * atomic script call each. Returns the others with their owner now (null:
 * no longer pending).
 */
export async function ackOrTouchIfOwned(
  conn: Connection,
  stream: string,
  group: string,
  consumer: string,
  mode: 'ack' | 'touch',
  ids: string[],
): Promise<Array<[string, string | null]>> {
  const lost: Array<[string, string | null]> = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.length <= 500 ? ids : ids.slice(i, i + 500);
    if (!isSorted(chunk)) chunk.sort(compareIds);
    const lo = chunk[0];
    const hi = chunk[chunk.length - 1];
    const r = (await conn.script(OWNED_ACK_OR_TOUCH, [stream], [group, consumer, mode, lo, hi, ...chunk])) as string[];
    for (let k = 0; k < r.length; k += 2) lost.push([r[k], r[k + 1] === '' ? null : r[k + 1]]);
  }
  return lost;
}

/**
 * Acks waiting for the consumer's next flush (one per event-loop turn):
 * ids by partition (parallel arrays: a batch rarely spans more than a
 * few), the in-flight entries the flush settles (messages of the handler fast
 * path), and the waiters of the general path, who learn how the flush went.
 */
export class AckBatch {
  readonly partitions: number[] = [];
  readonly ids: string[][] = [];
  readonly settle: TakenEntry[] = [];
  private waiters: Array<[() => void, (e: unknown) => void]> = [];
  private state: 'pending' | 'acked' | 'failed' = 'pending';
  private error: unknown;

  add(partition: number, id: string): void {
    const i = this.partitions.indexOf(partition);
    if (i >= 0) this.ids[i].push(id);
    else {
      this.partitions.push(partition);
      this.ids.push([id]);
    }
  }

  /** Resolves when the flush acked (or reported lost) the ids, rejects with its error. */
  done(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.state === 'pending') this.waiters.push([resolve, reject]);
      else if (this.state === 'acked') resolve();
      else reject(this.error);
    });
  }

  /** The flush is over: settle the waiters. */
  finish(failed: boolean, error: unknown): void {
    this.state = failed ? 'failed' : 'acked';
    this.error = error;
    for (const [resolve, reject] of this.waiters) {
      if (failed) reject(error);
      else resolve();
    }
    this.waiters = [];
  }
}

/** What an Acker needs of the handling it acks for. */
export interface AckerHost {
  /** Keep `p` in what stop() waits for until it settles. */
  track(p: Promise<void>): void;
  /** Entries settled: a slot may have freed, let the read loop go on. */
  nudge(): void;
  /** Report an error (an `error` event). */
  fail(e: unknown): void;
}

/**
 * A consumer's ack batching: acks queued in one event-loop turn are flushed
 * together in the next check phase, and the fast path's entries leave
 * `inFlight` when their flush is over. When the read loop is about to read
 * (beforeRead), the batch goes out on the read's connection just ahead of
 * the read: the acks and the next XREADGROUP leave in one write, and the
 * server takes them in one read (a message handled on its own then costs
 * one system call and one wake-up of the server fewer, on each side). The
 * acks come first, so the blocking read holds none of them up. Otherwise
 * (the read is out, or waits for a slot) the batch goes out on the
 * consumer's connection (flushTask).
 */
export class Acker {
  private ackBatch: AckBatch | null = null;

  constructor(
    private readonly parts: ConsumerParts,
    private readonly host: AckerHost,
  ) {}

  /** No ack batch waiting for its flush. */
  get idle(): boolean {
    return this.ackBatch === null;
  }

  /**
   * Put `e` in the next ack batch: handlers that finish in the same turn are
   * acked with one script call per partition, each unless another consumer
   * owns it now (then `lost` is emitted); check and ack are one atomic step.
   */
  queueAck(e: TakenEntry): AckBatch {
    let batch = this.ackBatch;
    if (batch === null) {
      batch = this.ackBatch = new AckBatch();
      setImmediate(this.flushTask);
    }
    batch.add(e.partition, e.id);
    return batch;
  }

  /** The read loop waits for this turn's acks, to send them with its read (beforeRead). */
  private heldForRead = false;

  private readonly flushTask = () => {
    if (!this.heldForRead) this.flushNow();
  };

  /**
   * Let the handlers that finish in this event-loop turn queue their acks,
   * then send them on `conn` (the read's connection, whose next command is
   * the read): one write for acks and read. Resolves once they are sent.
   */
  async beforeRead(conn: Connection): Promise<void> {
    this.heldForRead = true;
    try {
      await new Promise<void>((r) => setImmediate(r));
    } finally {
      this.heldForRead = false;
    }
    this.flushNow(conn);
  }

  /** Send the acks waiting for their flush now, on `conn` (commands sent next in this turn share their write). */
  flushNow(conn: Connection = this.parts.conn): void {
    if (this.ackBatch !== null) this.flush(conn);
  }

  /** Send the waiting batch's acks on `conn`; settle its entries when they are through. */
  private flush(conn: Connection): void {
    const batch = this.ackBatch!;
    this.ackBatch = null;
    this.host.track(
      this.flushAcks(batch, conn).then(
        () => this.flushed(batch, false, undefined),
        (error: unknown) => {
          if (batch.settle.length > 0) this.host.fail(error); // once for the fast path's entries (they stay pending and are retried); process() gets it itself
          this.flushed(batch, true, error);
        },
      ),
    );
  }

  private flushed(batch: AckBatch, failed: boolean, error: unknown): void {
    const inFlight = this.parts.inFlight;
    for (const e of batch.settle) inFlight.delete(e);
    batch.finish(failed, error);
    this.host.nudge();
  }

  /** One script call per partition. */
  private flushAcks(batch: AckBatch, conn: Connection): Promise<unknown> {
    const { partitions, ids } = batch;
    if (partitions.length === 1) return this.ifOwned('ack', partitions[0], ids[0], conn);
    return Promise.all(partitions.map((p, i) => this.ifOwned('ack', p, ids[i], conn)));
  }

  /** ackOrTouchIfOwned for one partition; emits `lost` for each id this consumer no longer owns. */
  private async ifOwned(mode: 'ack' | 'touch', partition: number, ids: string[], conn = this.parts.conn): Promise<void> {
    const { topic, options, events } = this.parts;
    const lost = await ackOrTouchIfOwned(conn, topic.stream(partition), options.group, options.name, mode, ids);
    for (const [id, owner] of lost) events.emit({ type: 'lost', id, partition, owner });
  }

  /** Reset the idle time of in-flight messages this consumer still owns (one script call per partition). */
  async heartbeat(): Promise<void> {
    const byPartition = new Map<number, string[]>();
    for (const e of this.parts.inFlight.values()) {
      const ids = byPartition.get(e.partition) ?? [];
      ids.push(e.id);
      byPartition.set(e.partition, ids);
    }
    for (const [partition, ids] of byPartition) await this.ifOwned('touch', partition, ids);
  }
}

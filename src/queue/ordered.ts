/**
 * Ordered mode: each partition of a topic is leased to exactly one consumer
 * of the group at a time, and that consumer handles the partition's
 * messages one after another, in stream order. Messages with one key go to
 * one partition, so per-key order holds, across rebalances too.
 *
 *   <prefix>{<topic>}:members:<group>     ZSET  consumer → expiry (server ms)
 *   <stream>:lease:<group>                STRING owner, PX leaseMs
 *
 * Every leaseMs / 3 each consumer renews its membership and reads the live
 * members; sorted by name, partition p belongs to members[p % n]. It renews
 * the leases it holds, hands back the partitions that are no longer its own
 * (after the message in hand is finished), and takes the free ones that are.
 * A crashed consumer's lease and membership run out after leaseMs; one that
 * stops gives them back at once.
 *
 * Per leased partition, one loop, each step one script (NEXT) that checks
 * the lease first: the group's oldest pending entry, once its backoff has
 * passed (a retry, or what the previous owner left: XCLAIM to self), else
 * one new entry (XREADGROUP >), else wait for one (XREAD BLOCK after the
 * stream's last id, on the loop's own connection). The message is handled
 * and acked before the next is taken, so a failing message holds its
 * partition until it succeeds or is dead-lettered; the NEXT for the next
 * message goes out right behind a handled message's ack, in the same write,
 * and the server runs it after the ack (one round trip a message). A loop
 * whose lease may have run out (the process was paused) stops taking
 * messages; the ack of a message another consumer took meanwhile is refused
 * (`lost` event).
 */
import type { Connection } from '../client/connection.ts';
import { defineScript } from '../client/script.ts';
import { promoteDue } from './delayed.ts';
import type { ConsumerEvent, EventChannel } from './events.ts';
import type { Topic } from './topic.ts';

/** A message taken from a partition: the shape Handling.process() (handling.ts) handles. */
export interface TakenEntry {
  partition: number;
  id: string;
  fields: string[];
  deliveries: number;
}

export interface OrderedHost {
  readonly conn: Connection;
  readonly topic: Topic<unknown>;
  readonly group: string;
  readonly name: string;
  readonly leaseMs: number;
  readonly blockMs: number;
  readonly scanIntervalMs: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxDeliveries: number;
  readonly events: EventChannel<ConsumerEvent>;
  /**
   * Handle, then ack / retry / dead-letter: resolves when that is done.
   * `ackQueued` runs once the ack is queued (the handler succeeded), before
   * it is sent.
   */
  process(e: TakenEntry, ackQueued?: () => void): Promise<void>;
  /** Send the queued acks now: what is sent next in this turn shares their write. */
  flushAcks(): void;
  deadLetter(e: TakenEntry, reason: string, error: string): Promise<void>;
  fail(e: unknown): void;
}

/** KEYS members. ARGV consumer, ttlMs, 'beat' | 'leave'. Replies the live members. */
const MEMBERS = defineScript(
  'brook-members',
  1,
  `local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
if ARGV[3] == 'leave' then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)`,
);

/** KEYS lease. ARGV consumer, ms, 'acquire' | 'renew' | 'release'. Replies 1 when this consumer holds (or gave back) the lease. */
const LEASE = defineScript(
  'brook-lease',
  1,
  `local cur = redis.call('GET', KEYS[1])
if ARGV[3] == 'release' then
  if cur == ARGV[1] then redis.call('DEL', KEYS[1]) end
  return 1
end
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if cur == false and ARGV[3] == 'acquire' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`,
);

/**
 * KEYS stream, lease. ARGV group, consumer, backoffMs, maxBackoffMs.
 * Replies {'unleased'} | {'wait', ms} | {'gone'} | {'entry', id, fields, deliveries, from}
 * | {'empty', lastId}.
 */
const NEXT = defineScript(
  'brook-ordered-next',
  2,
  `if redis.call('GET', KEYS[2]) ~= ARGV[2] then return {'unleased'} end
local p = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1)[1]
if p then
  local wait = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ (p[4] - 1)) - p[3]
  if wait > 0 then return {'wait', math.ceil(wait)} end
  local c = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, p[1])
  if not c[1] then return {'gone'} end
  return {'entry', c[1][1], c[1][2], p[4] + 1, p[2]}
end
local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
if r then
  local e = r[1][2][1]
  return {'entry', e[1], e[2], 1, ARGV[2]}
end
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
return {'empty', top and top[1] or '0-0'}`,
);

type NextReply = ['unleased'] | ['wait', number] | ['gone'] | ['entry', string, string[], number, string] | ['empty', string];

interface Lease {
  partition: number;
  /** Local time before which the lease is surely still ours. */
  validUntil: number;
  stop: boolean;
  /** Another consumer may hold it now: never given back by this one. */
  lost: boolean;
  done: Promise<void>;
  revoked?: Promise<void>;
}

export class OrderedRunner {
  private readonly leases = new Map<number, Lease>();
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(private readonly h: OrderedHost) {}

  private get membersKey(): string {
    return `${this.h.topic.prefix}{${this.h.topic.name}}:members:${this.h.group}`;
  }

  private leaseKey(p: number): string {
    return `${this.h.topic.stream(p)}:lease:${this.h.group}`;
  }

  /** Partitions held now. */
  get partitions(): number[] {
    return [...this.leases.keys()].sort((a, b) => a - b);
  }

  /** Rebalance every leaseMs / 3 until stop(); then hand everything back. */
  async run(): Promise<void> {
    try {
      while (!this.stopping) {
        await this.tick().catch((e) => this.h.fail(e));
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, Math.max(1, Math.floor(this.h.leaseMs / 3)));
        });
        this.wake = null;
      }
    } finally {
      await Promise.all([...this.leases.values()].map((l) => this.revoke(l, 'stopped')));
      await this.h.conn.script(MEMBERS, [this.membersKey], [this.h.name, this.h.leaseMs, 'leave']).catch((e) => this.h.fail(e));
    }
  }

  stop(): void {
    this.stopping = true;
    for (const l of this.leases.values()) l.stop = true;
    this.wake?.();
  }

  private async tick(): Promise<void> {
    const { conn, name, leaseMs, topic } = this.h;
    const sentAt = Date.now();
    const members = ((await conn.script(MEMBERS, [this.membersKey], [name, leaseMs, 'beat'])) as string[]).sort();
    const mine = new Set<number>();
    for (let p = 0; p < topic.partitions; p++) if (members[p % members.length] === name) mine.add(p);
    await Promise.all(
      [...this.leases.values()].map(async (l) => {
        if (l.lost) return;
        if (!l.stop && !mine.has(l.partition)) void this.revoke(l, 'rebalance');
        // Renewed until given back: a partition being handed over keeps its lease while its last message finishes.
        const at = Date.now();
        if ((await conn.script(LEASE, [this.leaseKey(l.partition)], [name, leaseMs, 'renew'])) === 1) l.validUntil = at + leaseMs;
        else {
          l.lost = true;
          void this.revoke(l, 'lease-lost');
        }
      }),
    );
    await Promise.all(
      [...mine].filter((p) => !this.leases.has(p)).map(async (p) => {
        if (this.stopping || (await conn.script(LEASE, [this.leaseKey(p)], [name, leaseMs, 'acquire'])) !== 1) return;
        const l: Lease = { partition: p, validUntil: sentAt + leaseMs, stop: false, lost: false, done: Promise.resolve() };
        this.leases.set(p, l);
        this.h.events.emit({ type: 'assigned', partition: p });
        l.done = this.loop(l).catch((e) => {
          // Could not even open its reading connection: give the partition back to be taken again.
          this.h.fail(e);
          void this.revoke(l, 'rebalance');
        });
      }),
    );
  }

  /** Stop the partition's loop, wait for the message in hand, give the lease back (unless it was lost). Idempotent. */
  private revoke(l: Lease, reason: 'rebalance' | 'lease-lost' | 'stopped'): Promise<void> {
    l.stop = true;
    l.revoked ??= (async () => {
      await l.done;
      if (!l.lost) await this.h.conn.script(LEASE, [this.leaseKey(l.partition)], [this.h.name, 0, 'release']).catch((e) => this.h.fail(e));
      this.leases.delete(l.partition);
      this.h.events.emit({ type: 'revoked', partition: l.partition, reason });
    })();
    return l.revoked;
  }

  private async loop(l: Lease): Promise<void> {
    const reader = await this.h.conn.duplicate();
    const at: LoopState = { promoted: 0, ahead: null };
    try {
      // A NEXT sent ahead ran while the lease was held: its message is in hand, handle it before leaving.
      while (!l.stop || at.ahead !== null) {
        try {
          await this.step(l, reader, at);
        } catch (e) {
          // A dropped link or a failing script: report it, back off, go on (the lease decides who runs).
          at.ahead = null;
          this.h.fail(e);
          await sleep(100);
        }
      }
    } finally {
      await reader.close();
    }
  }

  /** One message (or one wait) on the partition. */
  private async step(l: Lease, reader: Connection, at: LoopState): Promise<void> {
    const { conn, topic, name } = this.h;
    const stream = topic.stream(l.partition);
    let next = at.ahead;
    at.ahead = null;
    if (next === null) {
      if (Date.now() >= l.validUntil) {
        // Not renewed in time (a pause or a slow link): take nothing until the next tick decides.
        return sleep(10);
      }
      if (Date.now() - at.promoted >= this.h.scanIntervalMs) {
        await promoteDue(conn, stream);
        at.promoted = Date.now();
      }
      next = this.next(l);
    }
    const r = await next;
    if (l.stop && r[0] !== 'entry') return; // a NEXT sent ahead found nothing to hand: leave now
    switch (r[0]) {
      case 'unleased':
        l.validUntil = 0;
        return;
      case 'wait':
        return sleep(Math.min(r[1], this.h.blockMs));
      case 'gone':
        return;
      case 'empty':
        await reader.send(['XREAD', 'BLOCK', this.h.blockMs, 'STREAMS', stream, r[1]]);
        return;
      case 'entry': {
        const [, id, fields, deliveries, from] = r;
        const e: TakenEntry = { partition: l.partition, id, fields, deliveries };
        if (from !== name) this.h.events.emit({ type: 'reclaimed', id, partition: l.partition, from, deliveries });
        if (deliveries > this.h.maxDeliveries) return this.h.deadLetter(e, `exceeded ${this.h.maxDeliveries} deliveries`, 'its consumers stopped before finishing it');
        return this.h.process(e, () => this.sendAhead(l, at));
      }
    }
  }

  /** The NEXT script for partition `l`: the message to handle now, or why there is none. */
  private next(l: Lease): Promise<NextReply> {
    const { conn, topic, group, name } = this.h;
    return conn.script(NEXT, [topic.stream(l.partition), this.leaseKey(l.partition)], [group, name, this.h.backoffMs, this.h.maxBackoffMs]) as Promise<NextReply>;
  }

  /**
   * A message was handled and its ack queued: send the ack now and the
   * NEXT for the message after it right behind, in the same write. The
   * server runs them in that order, so NEXT sees the message acked (or, if
   * the ack was refused, still pending and first in line), and the loop
   * waits one round trip per message instead of two. Only when the step
   * would send NEXT anyway: lease surely held, not stopping, no promotion due.
   */
  private sendAhead(l: Lease, at: LoopState): void {
    const now = Date.now();
    if (l.stop || now >= l.validUntil || now - at.promoted >= this.h.scanIntervalMs) return;
    this.h.flushAcks();
    const next = this.next(l);
    next.catch(() => {}); // awaited by the next step, after the ack's reply: not an unhandled rejection meanwhile
    at.ahead = next;
  }
}

/** A partition loop's state between steps. */
interface LoopState {
  /** When the loop last promoted the partition's due delayed messages (local ms). */
  promoted: number;
  /** A NEXT sent right behind the previous message's ack (sendAhead), its reply not yet used. */
  ahead: Promise<NextReply> | null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

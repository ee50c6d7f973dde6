/**
 * Consumer groups (Redis's streamCG) and their consumers.
 *
 *   group.lastId       last delivered ID (the group's cursor)
 *   group.entriesRead  logical count of entries read up to lastId, or -1n
 *                      when unknown (SCG_INVALID_ENTRIES_READ)
 *   group.pel          every pending entry of the group
 *   consumer.pel       the same Nack objects, split by owner
 *
 * Invariant: a Nack is in group.pel and in exactly one consumer's pel (its
 * `consumer`), under the same key. Consumers and groups are listed in
 * byte order of their names, as Redis's rax lists them.
 */
import { compareIds, type StreamId } from './id.ts';
import { Pel, type Consumer, type Nack } from './pel.ts';
import type { StreamValue } from './stream.ts';

export const INVALID_ENTRIES_READ = -1n;

export class ConsumerGroup {
  readonly pel = new Pel();
  readonly consumers = new Map<string, Consumer>();

  constructor(
    readonly name: string,
    public lastId: StreamId,
    public entriesRead: bigint,
  ) {}

  /** streamLookupConsumer: refreshes seen-time unless `refresh` is false. */
  lookupConsumer(name: string, now: number, refresh = true): Consumer | undefined {
    const c = this.consumers.get(name);
    if (c !== undefined && refresh) c.seenTime = now;
    return c;
  }

  /** streamCreateConsumer: undefined when it already exists. */
  createConsumer(name: string, now: number): Consumer | undefined {
    if (this.consumers.has(name)) return undefined;
    const c: Consumer = { name, seenTime: now, pel: new Pel() };
    this.consumers.set(name, c);
    return c;
  }

  /** Delete a consumer and its pending entries (from the group PEL too). */
  deleteConsumer(c: Consumer): number {
    const pending = c.pel.size;
    for (const [key] of [...c.pel.entriesFrom()]) this.pel.delete(key);
    this.consumers.delete(c.name);
    return pending;
  }

  /** Consumers in byte order of their names. */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Remove a pending entry from the group and its owner. */
  ack(key: string): Nack | undefined {
    const nack = this.pel.get(key);
    if (nack === undefined) return undefined;
    this.pel.delete(key);
    nack.consumer?.pel.delete(key);
    return nack;
  }
}

export type { Consumer, Nack };

/** Groups of a stream in byte order of their names. */
export function sortedGroups(s: StreamValue): ConsumerGroup[] {
  if (s.groups === null) return [];
  return [...s.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isZero(id: StreamId): boolean {
  return id.ms === 0n && id.seq === 0n;
}

/** streamRangeHasTombstones(s, start, +inf) as the lag logic uses it. */
export function rangeHasTombstones(s: StreamValue, start: StreamId | null): boolean {
  if (s.length === 0 || isZero(s.maxDeletedId)) return false;
  if (compareIds(s.firstId, s.maxDeletedId) > 0) return false;
  const from = start ?? { ms: 0n, seq: 0n };
  return compareIds(from, s.maxDeletedId) <= 0;
}

/** streamEstimateDistanceFromFirstEverEntry: the logical read counter of `id`, or -1n. */
export function estimateDistance(s: StreamValue, id: StreamId): bigint {
  if (s.entriesAdded === 0n) return 0n;
  if (s.length === 0 && compareIds(id, s.lastId) < 1) return s.entriesAdded;
  const cmpLast = compareIds(id, s.lastId);
  if (cmpLast === 0) return s.entriesAdded;
  if (cmpLast > 0) return INVALID_ENTRIES_READ;
  const cmpFirst = compareIds(id, s.firstId);
  if (isZero(s.maxDeletedId) || compareIds(s.maxDeletedId, s.firstId) < 0) {
    if (cmpFirst < 0) return s.entriesAdded - BigInt(s.length);
    if (cmpFirst === 0) return s.entriesAdded - BigInt(s.length) + 1n;
  }
  return INVALID_ENTRIES_READ;
}

/** streamReplyWithCGLag: the group's lag, or null when it cannot be known. */
export function groupLag(s: StreamValue, g: ConsumerGroup): bigint | null {
  if (s.entriesAdded === 0n) return 0n;
  if (g.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(s, g.lastId)) {
    return s.entriesAdded - g.entriesRead;
  }
  const read = estimateDistance(s, g.lastId);
  return read === INVALID_ENTRIES_READ ? null : s.entriesAdded - read;
}

/** Advance the group's cursor to `id` (delivered), keeping entriesRead as Redis does. */
export function advanceGroup(s: StreamValue, g: ConsumerGroup, id: StreamId): void {
  if (g.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(s, id)) {
    g.entriesRead++;
  } else if (s.entriesAdded !== 0n) {
    g.entriesRead = estimateDistance(s, id);
  }
  g.lastId = id;
}

/** A reply integer: a number when exact, else the bigint. */
export function int(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/**
 * EventStore: append with an expected version, idempotent by event id;
 * read one stream forwards or backwards; read the global log merged over
 * partitions in a deterministic order; delete or archive a closed stream;
 * snapshots. Runs on any Connection (embedded, brook server, Redis,
 * Cluster): every write is one Lua script on one hash slot.
 */
import type { Arg, Connection, Reply } from '../client/connection.ts';
import { comparePositions, decodeEntry, encodeEvent, upcaster, type Upcaster } from './codec.ts';
import { badArgument, EventStoreError, EventStoreErrorCode, WrongExpectedVersionError } from './errors.ts';
import { keyLayout, type KeyLayout } from './keys.ts';
import { APPEND, DELETE, SAVE_SNAPSHOT } from './scripts.ts';
import type { AppendResult, Checkpoint, EventData, ExpectedVersion, Position, RecordedEvent } from './types.ts';

export interface EventStoreOptions {
  connection: Connection;
  /** Key prefix. @defaultValue 'brook:' */
  prefix?: string;
  /**
   * Partitions of the global log. Fixed for the life of the data: the
   * partition of a stream is a hash of its name modulo this. @defaultValue 4
   */
  partitions?: number;
  /** Applied to every event read (readStream, readAll, subscriptions). */
  upcasters?: Upcaster[];
}

export interface ReadStreamOptions {
  /** First version to read (inclusive). @defaultValue 1 forwards, the last version backwards */
  from?: number;
  /** Last version to read (inclusive). */
  to?: number;
  direction?: 'forwards' | 'backwards';
  /** At most this many events. */
  count?: number;
}

export interface ReadAllOptions {
  /** Read after this checkpoint (exclusive). @defaultValue the start of the log */
  after?: Checkpoint;
  /** Read events appended at or after this time (ms since the epoch); ignored with `after`. */
  fromTime?: number;
  /** At most this many events. @defaultValue 1000 */
  count?: number;
}

export interface Snapshot<S> {
  version: number;
  state: S;
  evolveVersion: number;
}

export type AppendListener = (events: RecordedEvent[]) => Promise<void> | void;

const MAX_BATCH = 10_000;

export class EventStore {
  readonly keys: KeyLayout;
  readonly connection: Connection;
  private readonly upcast: (e: RecordedEvent) => RecordedEvent;
  /** Inline projections: run after each successful append, before append() resolves. */
  private readonly appendListeners: AppendListener[] = [];

  constructor(options: EventStoreOptions) {
    if (!options?.connection) badArgument('EventStore needs a connection');
    const partitions = options.partitions ?? 4;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024) badArgument(`partitions must be 1..1024, got ${partitions}`);
    this.connection = options.connection;
    this.keys = keyLayout(options.prefix ?? 'brook:', partitions);
    this.upcast = upcaster(options.upcasters ?? []);
  }

  /** Register an inline projection (see projection.ts). Returns a function that removes it. */
  onAppended(listener: AppendListener): () => void {
    this.appendListeners.push(listener);
    return () => {
      const i = this.appendListeners.indexOf(listener);
      if (i >= 0) this.appendListeners.splice(i, 1);
    };
  }

  /**
   * Append events atomically. Throws WrongExpectedVersionError (with the
   * actual version) when `expectedVersion` does not hold. Retrying with the
   * same event ids is a no-op that returns the original positions.
   */
  async append(stream: string, events: EventData[], options: { expectedVersion?: ExpectedVersion } = {}): Promise<AppendResult> {
    checkStreamName(stream);
    if (!Array.isArray(events) || events.length === 0) badArgument('append needs at least one event');
    if (events.length > MAX_BATCH) badArgument(`at most ${MAX_BATCH} events per append`);
    const expected = expectedArg(options.expectedVersion ?? 'any');
    const encoded = events.map(encodeEvent);
    const seen = new Set<string>();
    for (const [id, tracked] of encoded) {
      if (tracked === '1' && seen.has(id)) badArgument(`event id '${id}' appears twice in one append`);
      seen.add(id);
    }
    const k = this.keys;
    const args: Arg[] = [stream, expected, events.length];
    for (const e of encoded) args.push(...e);
    const reply = (await this.connection.script(APPEND, [k.meta(stream), k.events(stream), k.ids(stream), k.log(k.partitionOf(stream))], args)) as string[];
    const [status, ...rest] = reply;
    if (status === 'conflict') throw new WrongExpectedVersionError(stream, options.expectedVersion ?? 'any', Number(rest[0]));
    if (status === 'deleted') throw new EventStoreError(EventStoreErrorCode.StreamDeleted, `stream '${stream}' was deleted (at version ${rest[0]})`);
    if (status === 'mismatch') {
      throw new EventStoreError(EventStoreErrorCode.IdempotencyMismatch, `event id '${rest[0]}': this append repeats some event ids of an earlier one but not all`);
    }
    const partition = k.partitionOf(stream);
    const stored = rest.map((s) => s.split(' '));
    const positions: Position[] = stored.map(([, logId]) => ({ partition, logId }));
    const version = Number(stored[stored.length - 1][0]);
    if (status === 'ok' && this.appendListeners.length > 0) {
      const recorded = await this.readStream(stream, { from: Number(stored[0][0]), to: version });
      for (const l of this.appendListeners) await l(recorded);
    }
    return { version, positions, duplicate: status === 'dup' };
  }

  /** The stream's version: the number of events appended to it (0: none). */
  async streamVersion(stream: string): Promise<number> {
    checkStreamName(stream);
    const v = await this.connection.send(['HGET', this.keys.meta(stream), 'v']);
    return v === null ? 0 : Number(v);
  }

  /** Events of one stream, forwards (default) or backwards, upcast. */
  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    checkStreamName(stream);
    const count = options.count;
    if (count !== undefined && (!Number.isInteger(count) || count < 1)) badArgument(`count must be a positive integer, got ${count}`);
    for (const [name, v] of [['from', options.from], ['to', options.to]] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) badArgument(`${name} must be a version (integer >= 0), got ${v}`);
    }
    const backwards = options.direction === 'backwards';
    const key = this.keys.events(stream);
    const partition = this.keys.partitionOf(stream);
    const lo = options.from !== undefined && !backwards ? `0-${options.from}` : backwards && options.to !== undefined ? `0-${options.to}` : '-';
    const hi = backwards ? (options.from !== undefined ? `0-${options.from}` : '+') : options.to !== undefined ? `0-${options.to}` : '+';
    const out: RecordedEvent[] = [];
    let cursorLo = lo;
    let cursorHi = hi;
    const page = Math.min(count ?? 1000, 1000);
    for (;;) {
      const want = count === undefined ? page : Math.min(page, count - out.length);
      if (want <= 0) break;
      const cmd = backwards ? ['XREVRANGE', key, cursorHi, cursorLo, 'COUNT', want] : ['XRANGE', key, cursorLo, cursorHi, 'COUNT', want];
      const entries = (await this.connection.send(cmd)) as Reply[];
      for (const e of entries) out.push(this.upcast(decodeEntry(e, { stream, partition })));
      if (entries.length < want) break;
      const last = (entries[entries.length - 1] as string[])[0];
      if (backwards) cursorHi = `(${last}`;
      else cursorLo = `(${last}`;
    }
    return out;
  }

  /**
   * The global log after a checkpoint, merged over partitions by log ID
   * (time, then sequence) and then partition number: the same order for
   * every reader. Returns the events and the checkpoint after them.
   */
  async readAll(options: ReadAllOptions = {}): Promise<{ events: RecordedEvent[]; checkpoint: Checkpoint }> {
    const count = options.count ?? 1000;
    if (!Number.isInteger(count) || count < 1) badArgument(`count must be a positive integer, got ${count}`);
    const checkpoint: Checkpoint = { ...startCheckpoint(this.keys.partitions, options) };
    const pipeline: Arg[][] = [];
    for (let p = 0; p < this.keys.partitions; p++) {
      pipeline.push(['XRANGE', this.keys.log(p), `(${checkpoint[p] ?? '0-0'}`, '+', 'COUNT', count]);
    }
    const replies = await this.connection.pipeline(pipeline);
    const all: RecordedEvent[] = [];
    let horizon: Position | null = null;
    replies.forEach((r, p) => {
      if (r instanceof Error) throw r;
      const entries = r as Reply[];
      for (const e of entries) all.push(decodeEntry(e, { partition: p }));
      // A full page may have more after it: only events up to the lowest full page's end are safely ordered.
      if (entries.length === count) {
        const last: Position = { partition: p, logId: (entries[entries.length - 1] as string[])[0] };
        if (horizon === null || comparePositions(last, horizon) < 0) horizon = last;
      }
    });
    all.sort((a, b) => comparePositions(a.position, b.position));
    const h = horizon as Position | null;
    const safe = h === null ? all : all.filter((e) => comparePositions(e.position, h) <= 0);
    const events = safe.slice(0, count);
    for (const e of events) checkpoint[e.position.partition] = e.position.logId;
    return { events: events.map(this.upcast), checkpoint };
  }

  /**
   * Delete a stream: its events, ids and snapshot go, a tombstone stays
   * (further appends fail with STREAM_DELETED). The global log keeps its
   * copies, so subscriptions and log readers are unaffected.
   */
  async deleteStream(stream: string, options: { expectedVersion?: ExpectedVersion } = {}): Promise<number> {
    checkStreamName(stream);
    const k = this.keys;
    const [status, v] = (await this.connection.script(DELETE, [k.meta(stream), k.events(stream), k.ids(stream), k.snapshot(stream)], [
      expectedArg(options.expectedVersion ?? 'any'),
    ])) as string[];
    if (status === 'conflict') throw new WrongExpectedVersionError(stream, options.expectedVersion ?? 'any', Number(v));
    if (status === 'deleted') throw new EventStoreError(EventStoreErrorCode.StreamDeleted, `stream '${stream}' was already deleted`);
    return Number(v);
  }

  /**
   * Archive a closed stream: hand every event to `sink` (a file, cold
   * storage, another store), then delete it, provided nothing was appended
   * in between (else WrongExpectedVersionError and nothing is deleted).
   */
  async archiveStream(stream: string, sink: (events: RecordedEvent[]) => Promise<void> | void): Promise<number> {
    const version = await this.streamVersion(stream);
    const events = await this.readStream(stream);
    await sink(events);
    return this.deleteStream(stream, { expectedVersion: version });
  }

  async saveSnapshot<S>(stream: string, snapshot: Snapshot<S>): Promise<boolean> {
    checkStreamName(stream);
    const r = await this.connection.script(SAVE_SNAPSHOT, [this.keys.snapshot(stream)], [
      snapshot.version,
      JSON.stringify(snapshot.state),
      snapshot.evolveVersion,
      Date.now(),
    ]);
    return r === 1;
  }

  async loadSnapshot<S>(stream: string): Promise<Snapshot<S> | null> {
    checkStreamName(stream);
    const r = (await this.connection.send(['HMGET', this.keys.snapshot(stream), 'version', 'state', 'evolve'])) as Array<string | null>;
    if (r[0] === null || r[1] === null) return null;
    return { version: Number(r[0]), state: JSON.parse(r[1]) as S, evolveVersion: Number(r[2] ?? 0) };
  }
}

function startCheckpoint(partitions: number, o: ReadAllOptions): Checkpoint {
  const cp: Checkpoint = {};
  for (let p = 0; p < partitions; p++) {
    if (o.after !== undefined) cp[p] = o.after[p] ?? '0-0';
    // Just before the first ID of that millisecond, so reads stay exclusive.
    else if (o.fromTime !== undefined && o.fromTime >= 1) cp[p] = `${Math.floor(o.fromTime) - 1}-18446744073709551615`;
    else cp[p] = '0-0';
  }
  return cp;
}

function expectedArg(v: ExpectedVersion): string {
  if (v === 'any' || v === 'no-stream' || v === 'exists') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return String(v);
  return badArgument(`expectedVersion must be 'any', 'no-stream', 'exists' or a version >= 0, got ${String(v)}`);
}

function checkStreamName(stream: string): void {
  if (typeof stream !== 'string' || stream.length === 0 || stream.length > 512) badArgument('a stream name is a non-empty string of at most 512 characters');
  if (/[{}\s]/.test(stream)) badArgument(`stream name '${stream}' must not contain braces or whitespace`);
}

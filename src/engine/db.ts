/**
 * One logical database (SELECT 0..15): the keyspace, the expiry table, and
 * the per-key lists of blocked clients and WATCHers.
 *
 *   dict     key -> Value               every live key
 *   expires  key -> unix ms deadline    only keys with a TTL (subset of dict)
 *   blocking key -> Waiter[]            clients blocked on the key, FIFO
 *   watched  key -> Set<Session>        clients that WATCH the key
 *
 * Invariants: every key of `expires` is in `dict`; a key whose deadline has
 * passed is never returned by `lookup` (lazy expiry deletes it first, and the
 * active cycle in engine.ts samples keys with a TTL in the background).
 */
import { WRONGTYPE } from './errors.ts';
import type { ErrorReply } from './reply.ts';
import type { Session, Waiter } from './session.ts';
import type { Engine } from './engine.ts';
import { Dict } from './dict.ts';
import type { ObjectValue, Value } from './types.ts';

export class Db {
  readonly dict = new Dict<Value>();
  readonly expires = new Map<string, number>();
  readonly blocking = new Map<string, Waiter[]>();
  readonly watched = new Map<string, Set<Session>>();

  constructor(
    readonly engine: Engine,
    readonly id: number,
  ) {}

  /** The value at `key`, expiring it first if its deadline passed. */
  lookup(key: string): Value | undefined {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return this.dict.get(key);
  }

  /**
   * The value at `key` if it has type `type`; undefined when missing;
   * the WRONGTYPE error when it holds another type.
   */
  lookupTyped<T extends ObjectValue['type']>(
    key: string,
    type: T,
  ): Extract<ObjectValue, { type: T }> | undefined | ErrorReply {
    const v = this.lookup(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string' || v.type !== type) return WRONGTYPE;
    return v as Extract<ObjectValue, { type: T }>;
  }

  /** A string value, undefined when missing, WRONGTYPE for another type. */
  lookupString(key: string): string | undefined | ErrorReply {
    const v = this.lookup(key);
    if (v === undefined || typeof v === 'string') return v;
    return WRONGTYPE;
  }

  exists(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /** Add or overwrite; an overwrite clears the TTL unless keepTtl (SET KEEPTTL). */
  set(key: string, value: Value, keepTtl = false): void {
    const had = !this.dict.set(key, value);
    if (had && !keepTtl && this.expires.size !== 0) this.expires.delete(key);
    this.touch(key);
    // An overwritten stream unblocks its XREADGROUP clients (with an error).
    if (had && this.blocking.size !== 0 && this.blocking.has(key)) this.engine.signalReady(this, key);
  }

  /** Add a key known to be absent (e.g. the first XADD creating a stream). */
  add(key: string, value: Value): void {
    this.dict.set(key, value);
    this.touch(key);
  }

  /** Delete a key; returns whether it existed. Wakes XREADGROUP waiters (they get an error). */
  delete(key: string): boolean {
    if (!this.dict.delete(key)) return false;
    this.expires.delete(key);
    this.touch(key);
    if (this.blocking.size !== 0 && this.blocking.has(key)) this.engine.signalReady(this, key);
    return true;
  }

  setExpire(key: string, whenMs: number): void {
    this.expires.set(key, whenMs);
    this.touch(key);
  }

  /** Milliseconds deadline, or -1 when the key has no TTL. */
  getExpire(key: string): number {
    return this.expires.get(key) ?? -1;
  }

  /**
   * Delete `key` if its deadline passed; returns true when it is (now) gone
   * because it expired. The deletion is propagated as DEL, as Redis does.
   */
  expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined) return false;
    if (when > this.engine.commandTime()) return false;
    // While the append-only file loads, keys are not expired (as Redis).
    if (this.engine.loading) return false;
    this.delete(key);
    this.engine.propagate(this.id, ['DEL', key]);
    this.engine.stats.expiredKeys++;
    return true;
  }

  /** signalModifiedKey: invalidates WATCH on the key. Call on every write. */
  touch(key: string): void {
    if (this.watched.size === 0) return;
    const sessions = this.watched.get(key);
    if (sessions === undefined) return;
    for (const s of sessions) {
      // A key watched while already expired, now deleted: logically no change.
      const w = s.watching.find(([d, k]) => d === this && k === key);
      if (w !== undefined && w[2]) {
        if (!this.dict.has(key)) {
          w[2] = false;
          continue;
        }
      }
      s.dirtyCas = true;
    }
  }

  /** FLUSHDB / FLUSHALL: WATCHers of keys that exist are dirty (touchAllWatchedKeysInDb). */
  touchAll(): void {
    for (const [key, sessions] of this.watched) {
      if (this.dict.has(key)) for (const s of sessions) s.dirtyCas = true;
    }
  }

  get size(): number {
    return this.dict.size;
  }

  clear(): void {
    const keys = this.blocking.size !== 0 ? [...this.dict.keys()] : [];
    this.touchAll();
    this.dict.clear();
    this.expires.clear();
    for (const k of keys) if (this.blocking.has(k)) this.engine.signalReady(this, k);
  }
}

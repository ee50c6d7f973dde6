/**
 * The keyspace dictionary: a JS Map (V8's own hash table, which rehashes
 * internally) plus a scan index so that SCAN gives Redis's guarantee: a key
 * present for the whole scan is returned at least once, whatever is added
 * or removed meanwhile, with a stateless numeric cursor.
 *
 *   map     key -> value
 *   slot    key -> scan id (ids increase with each insertion)
 *   ids[i], keys[i]   insertion log in id order; a deleted key leaves a
 *                     hole (keys[i] = undefined) until compaction
 *
 * A SCAN cursor is "the next id to visit". Ids never change for a live key,
 * so compaction (dropping holes) does not move cursors. A key deleted and
 * re-added gets a new id: it was absent part of the time, so Redis's
 * guarantee does not cover it (it may be returned twice, as in Redis).
 *
 * Why not Redis's two-table incremental rehash in JS: V8's Map already
 * grows without a pause visible at our scale and is several times faster
 * than a hand-written bucket table in JS; what Redis's dict gives on top is
 * the reverse-binary SCAN cursor, which the insertion log replaces.
 */
export class Dict<V> {
  private readonly map = new Map<string, V>();
  private readonly slot = new Map<string, number>();
  private ids: number[] = [];
  private keyLog: Array<string | undefined> = [];
  private holes = 0;
  private nextId = 1;

  get(key: string): V | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  /** Add or overwrite; true when the key is new. One hash look-up when it was there. */
  set(key: string, value: V): boolean {
    const before = this.map.size;
    this.map.set(key, value);
    if (this.map.size === before) return false;
    const id = this.nextId++;
    this.slot.set(key, id);
    this.ids.push(id);
    this.keyLog.push(key);
    return true;
  }
  delete(key: string): boolean {
    if (!this.map.delete(key)) return false;
    const id = this.slot.get(key)!;
    this.slot.delete(key);
    const i = this.indexOf(id);
    this.keyLog[i] = undefined;
    this.holes++;
    if (this.holes > 1024 && this.holes * 2 > this.ids.length) this.compact();
    return true;
  }
  get size(): number {
    return this.map.size;
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }
  clear(): void {
    this.map.clear();
    this.slot.clear();
    this.ids = [];
    this.keyLog = [];
    this.holes = 0;
  }

  /**
   * Visit about `count` slots from `cursor`; returns the keys seen and the
   * next cursor (0 when the scan is complete).
   */
  scan(cursor: number, count: number): { keys: string[]; cursor: number } {
    const keys: string[] = [];
    let i = this.lowerBound(cursor);
    let visited = 0;
    while (i < this.ids.length && visited < count) {
      const k = this.keyLog[i];
      if (k !== undefined) keys.push(k);
      visited++;
      i++;
    }
    return { keys, cursor: i < this.ids.length ? this.ids[i] : 0 };
  }

  /** A random key, or undefined when empty (RANDOMKEY, eviction sampling). */
  randomKey(): string | undefined {
    if (this.map.size === 0) return undefined;
    for (;;) {
      const k = this.keyLog[Math.floor(Math.random() * this.keyLog.length)];
      if (k !== undefined) return k;
    }
  }

  private indexOf(id: number): number {
    return this.lowerBound(id);
  }

  private lowerBound(id: number): number {
    const ids = this.ids;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compact(): void {
    const ids: number[] = [];
    const keys: string[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      const k = this.keyLog[i];
      if (k !== undefined) {
        ids.push(this.ids[i]);
        keys.push(k);
      }
    }
    this.ids = ids;
    this.keyLog = keys;
    this.holes = 0;
  }
}

/**
 * The stream type: entries ordered by ID, plus the metadata Redis keeps in
 * `struct stream` (t_stream.c):
 *
 *   length          live entries
 *   lastId          the greatest ID ever added (not lowered by XDEL)
 *   firstId         the first live entry's ID (0-0 when empty)
 *   maxDeletedId    the greatest ID removed by XDEL or trimming
 *   entriesAdded    entries ever added (XADD count, or set by XSETID)
 *   groups          consumer groups by name (see group.ts)
 *
 * Storage (this version): a sorted array of entries. The storage module owns
 * this file and may change the representation; callers use only the methods.
 */
import { compareIds, MIN_ID, type StreamId } from './id.ts';
import type { ConsumerGroup } from './group.ts';

export interface StreamEntry {
  readonly id: StreamId;
  /** field, value, field, value, ... (binary strings) */
  readonly fields: string[];
}

export class StreamValue {
  readonly type = 'stream' as const;
  lastId: StreamId = MIN_ID;
  maxDeletedId: StreamId = MIN_ID;
  entriesAdded = 0n;
  /** Consumer groups by name; null until the first is created (as in Redis). */
  groups: Map<string, ConsumerGroup> | null = null;
  private entries: StreamEntry[] = [];

  get length(): number {
    return this.entries.length;
  }

  /** The first live entry's ID, or 0-0 when the stream is empty. */
  get firstId(): StreamId {
    return this.entries.length ? this.entries[0].id : MIN_ID;
  }

  /** Append an entry whose ID is greater than lastId; updates lastId and entriesAdded. */
  append(id: StreamId, fields: string[]): void {
    this.entries.push({ id, fields });
    this.lastId = id;
    this.entriesAdded++;
  }

  /** The entry with exactly this ID, if live. */
  get(id: StreamId): StreamEntry | undefined {
    const i = this.lowerBound(id);
    const e = this.entries[i];
    return e !== undefined && compareIds(e.id, id) === 0 ? e : undefined;
  }

  /** Remove one entry (XDEL); updates maxDeletedId. Returns whether it existed. */
  delete(id: StreamId): boolean {
    const i = this.lowerBound(id);
    const e = this.entries[i];
    if (e === undefined || compareIds(e.id, id) !== 0) return false;
    this.entries.splice(i, 1);
    if (compareIds(id, this.maxDeletedId) > 0) this.maxDeletedId = id;
    return true;
  }

  /** Entries with start <= id <= end, ascending (or descending when `rev`). */
  *range(start: StreamId, end: StreamId, rev = false): Generator<StreamEntry> {
    if (compareIds(start, end) > 0) return;
    if (!rev) {
      for (let i = this.lowerBound(start); i < this.entries.length; i++) {
        const e = this.entries[i];
        if (compareIds(e.id, end) > 0) return;
        yield e;
      }
    } else {
      for (let i = this.upperBound(end) - 1; i >= 0; i--) {
        const e = this.entries[i];
        if (compareIds(e.id, start) < 0) return;
        yield e;
      }
    }
  }

  /**
   * Trim from the head (streamTrim). `maxLen` keeps at most that many
   * entries; `minId` removes entries below it. `approx` trims only whole
   * storage nodes; `limit` caps removed entries (0 = no cap). Returns how
   * many entries were removed; updates maxDeletedId... as Redis does.
   */
  trim(opts: { maxLen?: number; minId?: StreamId; approx: boolean; limit: number }): number {
    let removed = 0;
    while (this.entries.length > 0) {
      if (opts.limit > 0 && removed >= opts.limit) break;
      const head = this.entries[0];
      const over =
        opts.maxLen !== undefined ? this.entries.length > opts.maxLen : compareIds(head.id, opts.minId!) < 0;
      if (!over) break;
      this.entries.shift();
      removed++;
    }
    return removed;
  }

  private lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.entries[mid].id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private upperBound(id: StreamId): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.entries[mid].id, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

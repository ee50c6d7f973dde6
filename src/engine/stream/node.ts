/**
 * A stream node: the counterpart of one listpack in Redis's radix tree.
 *
 *   master   ID of the first entry ever added to the node (the rax key);
 *            IDs are kept as 64-bit ms / seq in typed arrays
 *   fields   the master fields: the first entry's field names. An entry with
 *            exactly these fields stores only its values (SAMEFIELDS).
 *   entries  0..size-1 in ID order, live or deleted (tombstones stay until
 *            the whole node goes, as in Redis)
 *
 * Element storage: entry i owns elements elemStart[i] .. elemStart[i+1]-1:
 *   SAMEFIELDS:  v1 .. vN               (N = fields.length)
 *   otherwise:   f1 v1 .. fN vN
 * While the node is the stream's tail ("open"), elements live in a JS array.
 * When a new node is started the old one is sealed: its elements are joined
 * into one binary string with an end-offset table, so a sealed node costs a
 * few bytes per element instead of a JS string header each.
 *
 * `lpBytes` tracks the size Redis's listpack would have, so node boundaries
 * (and therefore `~` trimming) match Redis exactly.
 */
import { LP_EMPTY_BYTES, lpIntSize, lpSmallIntSize, lpStringSize } from './listpack-size.ts';
import type { StreamId } from './id.ts';

export const FLAG_DELETED = 1;
export const FLAG_SAMEFIELDS = 2;

const U64 = 0xffffffffffffffffn;

export class StreamNode {
  readonly masterMs: bigint;
  readonly masterSeq: bigint;
  readonly fields: string[];
  size = 0;
  live = 0;
  deleted = 0;
  lpBytes: number;
  private ms: BigUint64Array;
  private seq: BigUint64Array;
  private flags: Uint8Array;
  private elemStart: Uint32Array;
  /** Open node: the elements. Sealed: null. */
  private elems: string[] | null = [];
  private blob = '';
  private elemEnd: Uint32Array | null = null;

  constructor(master: StreamId, fieldValues: string[], capacity: number) {
    this.masterMs = master.ms;
    this.masterSeq = master.seq;
    const n = fieldValues.length / 2;
    this.fields = new Array(n);
    let bytes = LP_EMPTY_BYTES + 2 /* count=1 */ + 2 /* deleted=0 */ + lpSmallIntSize(n) + 2 /* terminator */;
    for (let i = 0; i < n; i++) {
      this.fields[i] = fieldValues[i * 2];
      bytes += lpStringSize(this.fields[i]);
    }
    // The master count element is sized for 0 here; append() re-sizes it.
    this.lpBytes = bytes;
    const cap = Math.max(4, Math.min(capacity, 128));
    this.ms = new BigUint64Array(cap);
    this.seq = new BigUint64Array(cap);
    this.flags = new Uint8Array(cap);
    this.elemStart = new Uint32Array(cap + 1);
  }

  /** True when the entry's field names equal the master fields. */
  sameFields(fieldValues: string[]): boolean {
    const f = this.fields;
    if (fieldValues.length !== f.length * 2) return false;
    for (let i = 0; i < f.length; i++) if (fieldValues[i * 2] !== f[i]) return false;
    return true;
  }

  /** Append an entry (the node must be open). */
  append(id: StreamId, fieldValues: string[]): void {
    const i = this.size;
    if (i === this.ms.length) this.grow();
    const same = this.sameFields(fieldValues);
    const elems = this.elems!;
    let bytes = lpSmallIntSize(same ? FLAG_SAMEFIELDS : 0);
    bytes += lpIntSize(BigInt.asIntN(64, id.ms - this.masterMs));
    bytes += lpIntSize(BigInt.asIntN(64, id.seq - this.masterSeq));
    const n = fieldValues.length / 2;
    if (same) {
      for (let k = 1; k < fieldValues.length; k += 2) {
        elems.push(fieldValues[k]);
        bytes += lpStringSize(fieldValues[k]);
      }
      bytes += lpSmallIntSize(n + 3);
    } else {
      bytes += lpSmallIntSize(n);
      for (let k = 0; k < fieldValues.length; k++) {
        elems.push(fieldValues[k]);
        bytes += lpStringSize(fieldValues[k]);
      }
      bytes += lpSmallIntSize(n * 2 + 4);
    }
    this.lpBytes += bytes + lpSmallIntSize(this.live + 1) - lpSmallIntSize(this.live);
    this.ms[i] = id.ms;
    this.seq[i] = id.seq;
    this.flags[i] = same ? FLAG_SAMEFIELDS : 0;
    this.elemStart[i + 1] = elems.length;
    this.size = i + 1;
    this.live++;
  }

  private grow(): void {
    const cap = this.ms.length * 2;
    const ms = new BigUint64Array(cap);
    ms.set(this.ms);
    const seq = new BigUint64Array(cap);
    seq.set(this.seq);
    const flags = new Uint8Array(cap);
    flags.set(this.flags);
    const es = new Uint32Array(cap + 1);
    es.set(this.elemStart);
    this.ms = ms;
    this.seq = seq;
    this.flags = flags;
    this.elemStart = es;
  }

  /** Pack the elements into one string; the node takes no more appends. */
  seal(): void {
    const elems = this.elems;
    if (elems === null) return;
    const ends = new Uint32Array(elems.length);
    let off = 0;
    for (let k = 0; k < elems.length; k++) {
      off += elems[k].length;
      ends[k] = off;
    }
    this.blob = elems.join('');
    // Flatten now so the node does not keep a rope of the original strings.
    if (this.blob.length > 0) void this.blob.charCodeAt(0);
    this.elemEnd = ends;
    this.elems = null;
    const n = this.size;
    if (this.ms.length > n) {
      this.ms = this.ms.slice(0, n);
      this.seq = this.seq.slice(0, n);
      this.flags = this.flags.slice(0, n);
      this.elemStart = this.elemStart.slice(0, n + 1);
    }
  }

  get sealed(): boolean {
    return this.elems === null;
  }

  idMs(i: number): bigint {
    return this.ms[i];
  }
  idSeq(i: number): bigint {
    return this.seq[i];
  }
  id(i: number): StreamId {
    return { ms: this.ms[i], seq: this.seq[i] };
  }
  isDeleted(i: number): boolean {
    return (this.flags[i] & FLAG_DELETED) !== 0;
  }

  /** Compare entry i's ID with (ms, seq): negative, 0, positive. */
  cmp(i: number, ms: bigint, seq: bigint): number {
    const a = this.ms[i];
    if (a !== ms) return a < ms ? -1 : 1;
    const b = this.seq[i];
    if (b !== seq) return b < seq ? -1 : 1;
    return 0;
  }

  private elem(k: number): string {
    if (this.elems !== null) return this.elems[k];
    const ends = this.elemEnd!;
    return this.blob.slice(k === 0 ? 0 : ends[k - 1], ends[k]);
  }

  /** Entry i's field, value, field, value, ... */
  fieldValues(i: number): string[] {
    const start = this.elemStart[i];
    const end = this.elemStart[i + 1];
    const out: string[] = [];
    if (this.flags[i] & FLAG_SAMEFIELDS) {
      for (let k = start, f = 0; k < end; k++, f++) out.push(this.fields[f], this.elem(k));
    } else {
      for (let k = start; k < end; k++) out.push(this.elem(k));
    }
    return out;
  }

  /** Mark entry i deleted (it must be live); returns the node's live count after. */
  markDeleted(i: number): number {
    this.flags[i] |= FLAG_DELETED;
    this.lpBytes += lpSmallIntSize(this.live - 1) - lpSmallIntSize(this.live);
    this.lpBytes += lpSmallIntSize(this.deleted + 1) - lpSmallIntSize(this.deleted);
    this.live--;
    this.deleted++;
    return this.live;
  }

  /** Index of the first entry with ID >= (ms, seq), or size. */
  lowerBound(ms: bigint, seq: bigint): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(mid, ms, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first entry with ID > (ms, seq), or size. */
  upperBound(ms: bigint, seq: bigint): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(mid, ms, seq) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Approximate heap bytes (for MEMORY USAGE-like reports and the benchmark). */
  heapBytes(): number {
    return 200 + this.ms.byteLength * 2 + this.flags.byteLength + this.elemStart.byteLength + this.blob.length +
      (this.elemEnd?.byteLength ?? 0);
  }
}

export { U64 };

/**
 * A stream node: the counterpart of one listpack in Redis's radix tree.
 *
 *   master   ID of the first entry ever added to the node (the rax key)
 *   fields   the master fields: the first entry's field names. An entry with
 *            exactly these fields stores only its values (SAMEFIELDS).
 *   entries  0..size-1 in ID order, live or deleted (tombstones stay until
 *            the whole node goes, as in Redis)
 *
 * Elements: entry i owns elements first(i) .. first(i+1)-1:
 *   SAMEFIELDS:  v1 .. vN               (N = fields.length)
 *   otherwise:   f1 v1 .. fN vN
 *
 * Open node (the stream's tail, the only one taking appends): IDs, flags and
 * elements live in plain JS arrays, cheap to grow. While every ID of the
 * node is below 2^53 (always, for IDs from a clock) they are numbers:
 * ms - masterMs and seq, so an append allocates nothing and sealing
 * converts nothing; the first larger ID turns them into bigints.
 *
 * Sealed node (every other one): packed into two binary strings, so a node
 * costs two string headers however many entries it holds and allocates
 * nothing outside the JS heap:
 *
 *   blob   every element, concatenated
 *   index  size fixed-width records, then one end offset per element
 *
 *     record i:  [flags:1][ms - masterMs : wMs][seq : wSeq][first(i) : wOff]
 *     ends:      [end of element 0 in blob : wOff][end of element 1] ...
 *
 * Widths (bytes, little-endian) are the fewest that hold the node's largest
 * value, chosen when it is sealed: typically 1-2 each, so an entry's
 * metadata is a few bytes where typed arrays took 25+. A deleted flag on a
 * sealed node goes to `dead`, allocated on the first deletion.
 *
 * `lpBytes` tracks the size Redis's listpack would have, so node boundaries
 * (and therefore `~` trimming) match Redis exactly.
 */
import { LP_EMPTY_BYTES, lpDeltaSize, lpNumberSize, lpSmallIntSize, lpStringSize } from './listpack-size.ts';
import type { StreamId } from './id.ts';

export const FLAG_DELETED = 1;
export const FLAG_SAMEFIELDS = 2;

const U64 = 0xffffffffffffffffn;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The arrays of an open node. Entries 0..size-1 and elements 0..nElems-1
 * are the node's; anything past them is left from an earlier node whose
 * arrays these were (sealing hands them to the next tail, so a stream's
 * appends do not regrow four arrays every node).
 */
export interface OpenData {
  /** Per entry: ms - masterMs and seq as numbers, while `big` is null. */
  msDelta: number[];
  seq: number[];
  /** Per entry: ms and seq, once an ID (or the master) is 2^53 or more; then msDelta and seq are unused. */
  big: { ms: bigint[]; seq: bigint[] } | null;
  /** Per entry: first(i + 1) * 2, plus 1 when it is SAMEFIELDS. */
  ends: number[];
  /** Deleted entries (1), allocated on the first deletion. */
  dead: number[] | null;
  elems: string[];
  nElems: number;
}

/**
 * Empty arrays made in the V8 elements kind they take on once filled (ms
 * deltas are stored as doubles; elements are strings). A reused open node's
 * arrays already have that kind, so giving a new stream's first node the
 * same keeps the optimized append code valid when a stream is created.
 */
function emptyDoubles(): number[] {
  const a = [0.5];
  a.pop();
  return a;
}

function emptyStrings(): string[] {
  const a = [''];
  a.pop();
  return a;
}

/** Scratch space for building sealed indexes; grown on demand, shared by all nodes. */
let scratch = Buffer.allocUnsafe(4096);

/** Bytes needed to hold v (>= 0) little-endian. */
function widthOf(v: bigint): number {
  let w = 0;
  while (v > 0n) {
    w++;
    v >>= 8n;
  }
  return w;
}

function widthOfNumber(v: number): number {
  let w = 0;
  while (v > 0) {
    w++;
    v = Math.floor(v / 256);
  }
  return w;
}

function writeNumber(buf: Buffer, off: number, v: number, w: number): void {
  switch (w) {
    case 0:
      return;
    case 1:
      buf[off] = v;
      return;
    case 2:
      buf[off] = v & 0xff;
      buf[off + 1] = v >>> 8;
      return;
    default:
      for (let k = 0; k < w; k++) {
        buf[off + k] = v % 256;
        v = Math.floor(v / 256);
      }
  }
}

function writeBig(buf: Buffer, off: number, v: bigint, w: number): void {
  if (w <= 6) return writeNumber(buf, off, Number(v), w);
  for (let k = 0; k < w; k++) {
    buf[off + k] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** A little-endian unsigned number of w <= 6 bytes from a binary string. */
function readNumber(s: string, off: number, w: number): number {
  switch (w) {
    case 0:
      return 0;
    case 1:
      return s.charCodeAt(off);
    case 2:
      return s.charCodeAt(off) | (s.charCodeAt(off + 1) << 8);
    default: {
      let v = 0;
      let m = 1;
      for (let k = 0; k < w; k++, m *= 256) v += s.charCodeAt(off + k) * m;
      return v;
    }
  }
}

function readBig(s: string, off: number, w: number): bigint {
  return w <= 6 ? BigInt(readNumber(s, off, w)) : readWideBig(s, off, w);
}

/** readBig for 7 or 8 bytes (kept apart so readBig stays small enough to inline). */
function readWideBig(s: string, off: number, w: number): bigint {
  return (BigInt(readNumber(s, off + 4, w - 4)) << 32n) | BigInt(readNumber(s, off, 4));
}

/** Entry i's seq in an open node (kept out of idSeq so the sealed read stays small enough to inline). */
function openSeq(o: OpenData, i: number): bigint {
  return o.big !== null ? o.big.seq[i] : BigInt(o.seq[i]);
}

export class StreamNode {
  readonly masterMs: bigint;
  readonly masterSeq: bigint;
  readonly fields: string[];
  size = 0;
  live = 0;
  deleted = 0;
  lpBytes: number;
  /** masterMs and masterSeq as numbers (exact while the open node keeps numbers). */
  private readonly masterMsNum: number;
  private readonly masterSeqNum: number;
  /** Open node: its arrays. Sealed: null. */
  private open: OpenData | null;
  /** Sealed: the element bytes. */
  private blob = '';
  /** Sealed: records and element ends (see the header). */
  private index = '';
  private wMs = 0;
  private wSeq = 0;
  private wOff = 0;
  /** Sealed: bytes per record; the ends table starts at size * rec. */
  private rec = 0;
  private nElems = 0;
  /** Sealed: 1 for each deleted entry; null until the first deletion. */
  private dead: Uint8Array | null = null;
  /** The last ms delta decoded and its ID ms (most entries of a node share ms). */
  private lastDelta = 0;
  private lastMs: bigint;

  /**
   * The master fields are the field names of argv[from], argv[from + 2], ...
   * `spare`: the arrays of a node just sealed, to reuse.
   */
  constructor(master: StreamId, argv: string[], from: number, spare: OpenData | null = null) {
    this.masterMs = master.ms;
    this.masterSeq = master.seq;
    this.lastMs = master.ms;
    const n = (argv.length - from) / 2;
    this.fields = new Array(n);
    let bytes = LP_EMPTY_BYTES + 2 /* count=1 */ + 2 /* deleted=0 */ + lpSmallIntSize(n) + 2 /* terminator */;
    for (let i = 0; i < n; i++) {
      this.fields[i] = argv[from + i * 2];
      bytes += lpStringSize(this.fields[i]);
    }
    // The master count element is sized for 0 here; append() re-sizes it.
    this.lpBytes = bytes;
    this.masterMsNum = Number(master.ms);
    this.masterSeqNum = Number(master.seq);
    const small = master.ms <= SAFE && master.seq <= SAFE;
    const big = small ? null : { ms: [], seq: [] };
    if (spare !== null) {
      spare.big = big;
      spare.dead = null;
      spare.nElems = 0;
      this.open = spare;
    } else {
      this.open = { msDelta: emptyDoubles(), seq: [], big, ends: [], dead: null, elems: emptyStrings(), nElems: 0 };
    }
  }

  /** The open node's IDs as bigints from now on (an ID of 2^53 or more arrived). */
  private toBig(o: OpenData): { ms: bigint[]; seq: bigint[] } {
    const n = this.size;
    const big = { ms: new Array<bigint>(n), seq: new Array<bigint>(n) };
    for (let i = 0; i < n; i++) {
      big.ms[i] = this.masterMs + BigInt(o.msDelta[i]);
      big.seq[i] = BigInt(o.seq[i]);
    }
    o.msDelta = emptyDoubles();
    o.seq = [];
    o.big = big;
    return big;
  }

  /** True when the field names of argv[from..] equal the master fields. */
  sameFields(argv: string[], from: number): boolean {
    const f = this.fields;
    if (argv.length - from !== f.length * 2) return false;
    for (let i = 0; i < f.length; i++) if (argv[from + i * 2] !== f[i]) return false;
    return true;
  }

  /**
   * Append an entry (the node must be open) whose field, value, ... pairs
   * are argv[from..].
   */
  append(id: StreamId, argv: string[], from: number): void {
    const o = this.open!;
    if (o.big === null && id.ms <= SAFE && id.seq <= SAFE) return this.appendNumeric(Number(id.ms), Number(id.seq), argv, from);
    const big = o.big ?? this.toBig(o);
    big.ms.push(id.ms);
    big.seq.push(id.seq);
    this.appendFields(lpDeltaSize(id.ms, this.masterMs) + lpDeltaSize(id.seq, this.masterSeq), argv, from);
  }

  /** append() for an ID given as two numbers below 2^53. */
  appendNumeric(ms: number, seq: number, argv: string[], from: number): void {
    const o = this.open!;
    if (o.big !== null) return this.append({ ms: BigInt(ms), seq: BigInt(seq) }, argv, from);
    const msDelta = ms - this.masterMsNum;
    o.msDelta[this.size] = msDelta;
    o.seq[this.size] = seq;
    this.appendFields(lpNumberSize(msDelta) + lpNumberSize(seq - this.masterSeqNum), argv, from);
  }

  /**
   * The rest of an append, once the ID is stored: the elements of
   * argv[from..], and the listpack size of the entry whose two ID elements
   * take `idBytes`.
   */
  private appendFields(idBytes: number, argv: string[], from: number): void {
    const o = this.open!;
    const same = this.sameFields(argv, from);
    const elems = o.elems;
    let bytes = 2 /* flags: 0 or 2, a small int */ + idBytes;
    const n = (argv.length - from) / 2;
    if (same) {
      for (let k = from + 1; k < argv.length; k += 2) {
        elems[o.nElems++] = argv[k];
        bytes += lpStringSize(argv[k]);
      }
      bytes += lpSmallIntSize(n + 3);
    } else {
      bytes += lpSmallIntSize(n);
      for (let k = from; k < argv.length; k++) {
        elems[o.nElems++] = argv[k];
        bytes += lpStringSize(argv[k]);
      }
      bytes += lpSmallIntSize(n * 2 + 4);
    }
    this.lpBytes += bytes + lpSmallIntSize(this.live + 1) - lpSmallIntSize(this.live);
    o.ends[this.size] = o.nElems * 2 + (same ? 1 : 0);
    this.size++;
    this.live++;
  }

  /**
   * Pack the node into its two strings; it takes no more appends. Returns
   * its arrays, for the next tail to reuse (null when already sealed).
   */
  seal(): OpenData | null {
    const o = this.open;
    if (o === null) return null;
    const n = this.size;
    const elems = o.elems;
    const nElems = o.nElems;
    if (elems.length > nElems) elems.length = nElems;
    let blobLen = 0;
    for (let k = 0; k < nElems; k++) blobLen += elems[k].length;
    const big = o.big;
    let wMs: number;
    let wSeq: number;
    if (big === null) {
      // IDs ascend, so the last entry has the greatest ms.
      let maxSeq = 0;
      for (let i = 0; i < n; i++) if (o.seq[i] > maxSeq) maxSeq = o.seq[i];
      wMs = widthOfNumber(o.msDelta[n - 1]);
      wSeq = widthOfNumber(maxSeq);
    } else {
      let maxSeq = 0n;
      for (let i = 0; i < n; i++) if (big.seq[i] > maxSeq) maxSeq = big.seq[i];
      wMs = widthOf(big.ms[n - 1] - this.masterMs);
      wSeq = widthOf(maxSeq);
    }
    const wOff = Math.max(1, widthOfNumber(Math.max(blobLen, nElems)));
    const rec = 1 + wMs + wSeq + wOff;
    const len = n * rec + nElems * wOff;
    if (scratch.length < len) scratch = Buffer.allocUnsafe(Math.max(len, scratch.length * 2));
    const buf = scratch;
    let dead: Uint8Array | null = null;
    for (let i = 0, off = 0; i < n; i++, off += rec) {
      buf[off] = o.ends[i] & 1 ? FLAG_SAMEFIELDS : 0;
      if (o.dead !== null && o.dead[i] === 1) (dead ??= new Uint8Array(n))[i] = 1;
      if (big === null) {
        writeNumber(buf, off + 1, o.msDelta[i], wMs);
        writeNumber(buf, off + 1 + wMs, o.seq[i], wSeq);
      } else {
        writeBig(buf, off + 1, big.ms[i] - this.masterMs, wMs);
        writeBig(buf, off + 1 + wMs, big.seq[i], wSeq);
      }
      writeNumber(buf, off + 1 + wMs + wSeq, i === 0 ? 0 : o.ends[i - 1] >>> 1, wOff);
    }
    let end = 0;
    for (let k = 0, off = n * rec; k < nElems; k++, off += wOff) {
      end += elems[k].length;
      writeNumber(buf, off, end, wOff);
    }
    this.index = buf.toString('latin1', 0, len);
    this.blob = elems.join('');
    // Flatten now so the node does not keep a rope of the original strings.
    if (this.blob.length > 0) void this.blob.charCodeAt(0);
    this.wMs = wMs;
    this.wSeq = wSeq;
    this.wOff = wOff;
    this.rec = rec;
    this.nElems = nElems;
    this.dead = dead;
    this.open = null;
    return o;
  }

  get sealed(): boolean {
    return this.open === null;
  }

  idMs(i: number): bigint {
    const o = this.open;
    if (o !== null) return this.openMs(o, i);
    const w = this.wMs;
    if (w === 0) return this.masterMs;
    if (w > 6) return this.masterMs + readBig(this.index, i * this.rec + 1, w);
    const d = readNumber(this.index, i * this.rec + 1, w);
    if (d !== this.lastDelta) {
      this.lastDelta = d;
      this.lastMs = this.masterMs + BigInt(d);
    }
    return this.lastMs;
  }

  /** idMs of an open node (apart, so the sealed read stays small enough to inline). */
  private openMs(o: OpenData, i: number): bigint {
    if (o.big !== null) return o.big.ms[i];
    const d = o.msDelta[i];
    if (d !== this.lastDelta) {
      this.lastDelta = d;
      this.lastMs = this.masterMs + BigInt(d);
    }
    return this.lastMs;
  }

  idSeq(i: number): bigint {
    const o = this.open;
    if (o === null) return readBig(this.index, i * this.rec + 1 + this.wMs, this.wSeq);
    return openSeq(o, i);
  }

  id(i: number): StreamId {
    return { ms: this.idMs(i), seq: this.idSeq(i) };
  }

  isDeleted(i: number): boolean {
    const o = this.open;
    if (o !== null) return o.dead !== null && o.dead[i] === 1;
    return this.dead !== null && this.dead[i] === 1;
  }

  /** Compare entry i's ID with (ms, seq): negative, 0, positive. */
  cmp(i: number, ms: bigint, seq: bigint): number {
    const a = this.idMs(i);
    if (a !== ms) return a < ms ? -1 : 1;
    const b = this.idSeq(i);
    if (b !== seq) return b < seq ? -1 : 1;
    return 0;
  }

  /** Sealed: first(i), the index of entry i's first element. */
  private first(i: number): number {
    if (i === this.size) return this.nElems;
    return readNumber(this.index, i * this.rec + 1 + this.wMs + this.wSeq, this.wOff);
  }

  /** Sealed: element k's end offset in blob. */
  private elemEnd(k: number): number {
    return readNumber(this.index, this.size * this.rec + k * this.wOff, this.wOff);
  }

  /** Entry i's field, value, field, value, ... */
  fieldValues(i: number): string[] {
    const o = this.open;
    const out: string[] = [];
    if (o !== null) {
      const start = i === 0 ? 0 : o.ends[i - 1] >>> 1;
      const end = o.ends[i] >>> 1;
      if (o.ends[i] & 1) {
        for (let k = start, f = 0; k < end; k++, f++) out.push(this.fields[f], o.elems[k]);
      } else {
        for (let k = start; k < end; k++) out.push(o.elems[k]);
      }
      return out;
    }
    const start = this.first(i);
    const end = this.first(i + 1);
    const same = (this.index.charCodeAt(i * this.rec) & FLAG_SAMEFIELDS) !== 0;
    let from = start === 0 ? 0 : this.elemEnd(start - 1);
    for (let k = start, f = 0; k < end; k++, f++) {
      const to = this.elemEnd(k);
      const v = this.blob.slice(from, to);
      if (same) out.push(this.fields[f], v);
      else out.push(v);
      from = to;
    }
    return out;
  }

  /** Mark entry i deleted (it must be live); returns the node's live count after. */
  markDeleted(i: number): number {
    const o = this.open;
    if (o !== null) (o.dead ??= [])[i] = 1;
    else (this.dead ??= new Uint8Array(this.size))[i] = 1;
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
    const o = this.open;
    if (o !== null) {
      let b = 200 + this.size * 40;
      for (let k = 0; k < o.nElems; k++) b += 16 + o.elems[k].length;
      return b;
    }
    return 200 + this.index.length + this.blob.length + (this.dead?.byteLength ?? 0);
  }
}

export { U64 };

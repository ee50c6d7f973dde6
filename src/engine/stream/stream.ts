/**
 * The stream type: entries ordered by ID, stored in nodes (node.ts) the way
 * Redis stores listpacks in a radix tree, plus the metadata of Redis's
 * `struct stream` (t_stream.c):
 *
 *   length          live entries
 *   lastId          the greatest ID ever added (XDEL does not lower it);
 *                   while both its parts are below 2^53 it is also held as
 *                   two numbers, for XADD's allocation-free path
 *   firstId         recorded first live entry ID (0-0 when empty); kept up
 *                   to date by XADD, XDEL and trimming as Redis does
 *   maxDeletedId    the greatest ID removed by XDEL (trimming leaves it)
 *   entriesAdded    entries ever added (XADD count, or set by XSETID)
 *   groups          consumer groups by name (group.ts)
 *
 *   nodes: [ node(master 1-0, 100 entries) | node(master 5-3, 100) | tail ]
 *
 * Nodes are in ID order and never overlap; only the last (tail) node takes
 * appends. A node whose entries are all deleted is removed.
 */
import { compareIds, MIN_ID, type StreamId } from './id.ts';
import type { ConsumerGroup } from './group.ts';
import { StreamNode, type OpenData } from './node.ts';

export interface StreamEntry {
  readonly id: StreamId;
  /** field, value, field, value, ... (binary strings) */
  readonly fields: string[];
}

/** Node limits, from CONFIG stream-node-max-entries / stream-node-max-bytes. */
export interface NodeLimits {
  maxEntries: number;
  maxBytes: number;
}

const LISTPACK_MAX_SIZE = 1 << 30;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export interface TrimOptions {
  /** Keep at most this many entries (MAXLEN). */
  maxLen?: number;
  /** Remove entries with ID < minId (MINID). */
  minId?: StreamId;
  /** Remove whole nodes only (`~`). */
  approx: boolean;
  /** Stop before removing more than this many entries; 0 = no limit. */
  limit: number;
}

/**
 * An empty node list already in V8's elements kind for objects, as every
 * stream's list ends up: so the first append to a new stream runs the same
 * optimized code as appends to older ones instead of deoptimizing it.
 */
function emptyNodeList(): StreamNode[] {
  const a: Array<StreamNode | null> = [null];
  a.pop();
  return a as StreamNode[];
}

export class StreamValue {
  readonly type = 'stream' as const;
  /** lastId as numbers; meaningful only while lastIdSafe. Kept by this class: read-only elsewhere. */
  lastMsNum = 0;
  lastSeqNum = 0;
  /** Both parts of lastId are below 2^53 (exact as numbers). Read-only outside this class. */
  lastIdSafe = true;
  /** lastId as an object; null after appendNumeric until someone reads it. */
  private lastIdObj: StreamId | null = MIN_ID;
  firstId: StreamId = MIN_ID;
  maxDeletedId: StreamId = MIN_ID;
  /**
   * entriesAdded = addedBase + addedCount. XADD counts in the number (a
   * bigint `++` allocates a new bigint per entry); XSETID sets the base.
   */
  private addedBase = 0n;
  private addedCount = 0;
  length = 0;
  /** Consumer groups by name; null until the first is created (as in Redis). */
  groups: Map<string, ConsumerGroup> | null = null;
  private nodes: StreamNode[] = emptyNodeList();

  constructor(private readonly limits: NodeLimits = { maxEntries: 100, maxBytes: 4096 }) {}

  /** The greatest ID ever added (XDEL does not lower it; XSETID sets it). */
  get lastId(): StreamId {
    return (this.lastIdObj ??= { ms: BigInt(this.lastMsNum), seq: BigInt(this.lastSeqNum) });
  }

  set lastId(id: StreamId) {
    this.lastIdObj = id;
    this.lastIdSafe = id.ms <= SAFE && id.seq <= SAFE;
    if (this.lastIdSafe) {
      this.lastMsNum = Number(id.ms);
      this.lastSeqNum = Number(id.seq);
    }
  }

  /** Entries ever added (XADD count, or as set by XSETID ENTRIESADDED). */
  get entriesAdded(): bigint {
    return this.addedCount === 0 ? this.addedBase : this.addedBase + BigInt(this.addedCount);
  }

  set entriesAdded(v: bigint) {
    this.addedBase = v;
    this.addedCount = 0;
  }

  /**
   * Append an entry whose ID is greater than lastId (the caller checks) and
   * whose field, value, ... pairs are argv[from..] (XADD's arguments, so no
   * copy is made); updates length, lastId, firstId and entriesAdded.
   */
  append(id: StreamId, argv: string[], from = 0): void {
    this.tailFor(id.ms, id.seq, argv, from).append(id, argv, from);
    this.length++;
    this.addedCount++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /**
   * append() for an ID given as two numbers below 2^53 (XADD's path for
   * generated IDs, which allocates no bigint): the caller checks that
   * (ms, seq) is greater than lastId.
   */
  appendNumeric(ms: number, seq: number, argv: string[], from: number): void {
    this.tailFor(ms, seq, argv, from).appendNumeric(ms, seq, argv, from);
    this.length++;
    this.addedCount++;
    this.lastMsNum = ms;
    this.lastSeqNum = seq;
    this.lastIdSafe = true;
    this.lastIdObj = null;
    if (this.length === 1) this.firstId = this.lastId;
  }

  /**
   * The node that takes an entry with ID (ms, seq) and fields argv[from..]:
   * the open tail, or a new node when the tail is full (Redis's node limits).
   */
  private tailFor(ms: bigint | number, seq: bigint | number, argv: string[], from: number): StreamNode {
    const nodes = this.nodes;
    let tail = nodes.length ? nodes[nodes.length - 1] : undefined;
    let spare: OpenData | null = null;
    if (tail !== undefined && !tail.sealed) {
      let total = 0;
      for (let i = from; i < argv.length; i++) total += argv[i].length;
      let maxBytes = this.limits.maxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      const max = this.limits.maxEntries;
      if (tail.lpBytes + total >= maxBytes || (max > 0 && tail.live + tail.deleted >= max)) {
        spare = tail.seal();
        tail = undefined;
      }
    } else {
      tail = undefined;
    }
    if (tail === undefined) {
      tail = new StreamNode({ ms: BigInt(ms), seq: BigInt(seq) }, argv, from, spare);
      nodes.push(tail);
    }
    return tail;
  }

  /** The node index holding the first entry with ID >= id (or nodes.length). */
  private nodeFor(id: StreamId): number {
    // Last node whose master <= id; entries below a master live in earlier nodes.
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const n = this.nodes[mid];
      const c = n.masterMs !== id.ms ? (n.masterMs < id.ms ? -1 : 1) : n.masterSeq < id.seq ? -1 : n.masterSeq > id.seq ? 1 : 0;
      if (c <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : lo - 1;
  }

  /** The live entry with exactly this ID. */
  get(id: StreamId): StreamEntry | undefined {
    if (this.nodes.length === 0) return undefined;
    const node = this.nodes[this.nodeFor(id)];
    const i = node.lowerBound(id.ms, id.seq);
    if (i >= node.size || node.cmp(i, id.ms, id.seq) !== 0 || node.isDeleted(i)) return undefined;
    return { id: node.id(i), fields: node.fieldValues(i) };
  }

  /** Whether a live entry has this ID. */
  has(id: StreamId): boolean {
    if (this.nodes.length === 0) return false;
    const node = this.nodes[this.nodeFor(id)];
    const i = node.lowerBound(id.ms, id.seq);
    return i < node.size && node.cmp(i, id.ms, id.seq) === 0 && !node.isDeleted(i);
  }

  /**
   * Delete one entry as XDEL does (streamDeleteItem + the bookkeeping of
   * xdelCommand): updates length, maxDeletedId and firstId. Returns whether
   * a live entry was deleted.
   */
  delete(id: StreamId): boolean {
    if (this.nodes.length === 0) return false;
    const ni = this.nodeFor(id);
    const node = this.nodes[ni];
    const i = node.lowerBound(id.ms, id.seq);
    if (i >= node.size || node.cmp(i, id.ms, id.seq) !== 0 || node.isDeleted(i)) return false;
    if (node.live === 1) this.nodes.splice(ni, 1);
    else node.markDeleted(i);
    this.length--;
    if (compareIds(id, this.maxDeletedId) > 0) this.maxDeletedId = id;
    if (this.length === 0) this.firstId = MIN_ID;
    else if (compareIds(id, this.firstId) === 0) this.firstId = this.edgeId(true);
    return true;
  }

  /** First (or last) live entry ID; 0-0 (or max) when there is none, as streamGetEdgeID. */
  edgeId(first: boolean): StreamId {
    const e = first ? this.range(MIN_ID, { ms: 0xffffffffffffffffn, seq: 0xffffffffffffffffn }).next() :
      this.range(MIN_ID, { ms: 0xffffffffffffffffn, seq: 0xffffffffffffffffn }, true).next();
    if (e.done) return first ? { ms: 0xffffffffffffffffn, seq: 0xffffffffffffffffn } : MIN_ID;
    return e.value.id;
  }

  /** Live entries with start <= id <= end, ascending (or descending when `rev`). */
  *range(start: StreamId, end: StreamId, rev = false): Generator<StreamEntry> {
    if (compareIds(start, end) > 0 || this.nodes.length === 0) return;
    const nodes = this.nodes;
    if (!rev) {
      for (let ni = this.nodeFor(start); ni < nodes.length; ni++) {
        const node = nodes[ni];
        for (let i = node.lowerBound(start.ms, start.seq); i < node.size; i++) {
          if (node.cmp(i, end.ms, end.seq) > 0) return;
          if (node.isDeleted(i)) continue;
          yield { id: node.id(i), fields: node.fieldValues(i) };
        }
      }
    } else {
      for (let ni = this.nodeFor(end); ni >= 0; ni--) {
        const node = nodes[ni];
        for (let i = node.upperBound(end.ms, end.seq) - 1; i >= 0; i--) {
          if (node.cmp(i, start.ms, start.seq) < 0) return;
          if (node.isDeleted(i)) continue;
          yield { id: node.id(i), fields: node.fieldValues(i) };
        }
      }
    }
  }

  /**
   * Trim from the head exactly as Redis's streamTrim: whole nodes first;
   * with `approx` stop at the first node that cannot go whole; otherwise
   * mark entries deleted inside that node. `limit` (approx only) caps the
   * entries removed. Updates length and firstId, not maxDeletedId.
   */
  trim(opts: TrimOptions): number {
    let deleted = 0;
    let removeNodes = 0;
    const nodes = this.nodes;
    for (let ni = 0; ni < nodes.length; ni++) {
      if (opts.maxLen !== undefined && this.length <= opts.maxLen) break;
      const node = nodes[ni];
      const entries = node.live;
      if (opts.limit && deleted + entries > opts.limit) break;
      let removeNode: boolean;
      if (opts.maxLen !== undefined) {
        removeNode = this.length - entries >= opts.maxLen;
      } else {
        // The node's last entry, tombstone or not (lpGetEdgeStreamID).
        removeNode = node.cmp(node.size - 1, opts.minId!.ms, opts.minId!.seq) < 0;
      }
      if (removeNode) {
        removeNodes++;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (opts.approx) break;
      for (let i = 0; i < node.size; i++) {
        const stop =
          opts.maxLen !== undefined ? this.length <= opts.maxLen : node.cmp(i, opts.minId!.ms, opts.minId!.seq) >= 0;
        if (stop) break;
        if (!node.isDeleted(i)) {
          node.markDeleted(i);
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (removeNodes > 0) nodes.splice(0, removeNodes);
    if (this.length === 0) this.firstId = MIN_ID;
    else if (deleted > 0) this.firstId = this.edgeId(true);
    return deleted;
  }

  /** Number of storage nodes (for tests of `~` granularity and INFO). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Approximate heap bytes of the entries. */
  heapBytes(): number {
    let b = 0;
    for (const n of this.nodes) b += n.heapBytes();
    return b;
  }
}

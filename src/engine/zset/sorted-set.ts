/**
 * A sorted set: members with float scores, ordered by (score, member).
 *
 * Representation: a Map member -> score for O(1) ZSCORE, plus a B+tree
 * (sorted-btree) whose keys are [score, member] for ordered walks. Redis
 * uses a skiplist with span counts (O(log n) rank); here rank-based access
 * walks the tree from one end, so ZRANGE by index costs offset + count.
 * Members are binary strings; equal scores order members by bytes, as
 * Redis's memcmp does (JS compares latin1 chars by code unit = byte).
 *
 * Invariant: `scores` and `tree` always hold the same members.
 */
import { createRequire } from 'node:module';

type Key = [number, string];

interface Tree {
  readonly size: number;
  set(k: Key, v: true): boolean;
  delete(k: Key): boolean;
  entries(lowestKey?: Key): IterableIterator<[Key, true]>;
  entriesReversed(highestKey?: Key): IterableIterator<[Key, true]>;
}

const BTree = createRequire(import.meta.url)('sorted-btree').default as new (
  entries: undefined,
  compare: (a: Key, b: Key) => number,
) => Tree;

export function compareKeys(a: Key, b: Key): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] === b[1] ? 0 : a[1] < b[1] ? -1 : 1;
}

export class SortedSet {
  readonly scores = new Map<string, number>();
  private readonly tree = new BTree(undefined, compareKeys);

  get size(): number {
    return this.scores.size;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  /** Insert or move a member. */
  set(member: string, score: number): void {
    const old = this.scores.get(member);
    if (old !== undefined) {
      if (old === score) return;
      this.tree.delete([old, member]);
    }
    this.scores.set(member, score);
    this.tree.set([score, member], true);
  }

  delete(member: string): boolean {
    const old = this.scores.get(member);
    if (old === undefined) return false;
    this.scores.delete(member);
    this.tree.delete([old, member]);
    return true;
  }

  /** Members in order (or reversed), as [member, score]. */
  *walk(reverse = false): IterableIterator<[string, number]> {
    const it = reverse ? this.tree.entriesReversed() : this.tree.entries();
    for (const [[score, member]] of it) yield [member, score];
  }

  /** 0-based rank of a member in ascending order, or undefined. */
  rank(member: string, reverse = false): number | undefined {
    if (!this.scores.has(member)) return undefined;
    let i = 0;
    for (const [m] of this.walk(reverse)) {
      if (m === member) return i;
      i++;
    }
    return undefined;
  }
}

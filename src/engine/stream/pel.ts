/**
 * The pending entries list (PEL): an ordered map from stream ID to its
 * delivery record, as Redis keeps in a rax per group and per consumer.
 *
 * Keys are 16-char binary strings (ms then seq, 8 bytes each, big-endian)
 * so that JS string order is ID order and hashing/comparison is cheap; the
 * ordered structure is a B+tree (sorted-btree): O(log n) insert, delete and
 * seek, in-order iteration from any ID.
 */
import { createRequire } from 'node:module';
import type { StreamId } from './id.ts';

/** The part of sorted-btree's BTree that the PEL uses (a CommonJS module). */
interface SortedMap<K, V> {
  readonly size: number;
  get(k: K): V | undefined;
  set(k: K, v: V): boolean;
  setIfNotPresent(k: K, v: V): boolean;
  delete(k: K): boolean;
  minKey(): K | undefined;
  maxKey(): K | undefined;
  entries(lowestKey?: K): IterableIterator<[K, V]>;
  nextHigherPair(k: K): [K, V] | undefined;
  clear(): void;
}
const BTree = createRequire(import.meta.url)('sorted-btree').default as new <K, V>() => SortedMap<K, V>;

/** A delivered, not yet acknowledged entry (Redis's streamNACK). */
export interface Nack {
  /** Last delivery, unix ms. */
  deliveryTime: number;
  deliveryCount: number;
  /** Owner; null only transiently for XCLAIM FORCE. */
  consumer: Consumer | null;
}

export interface Consumer {
  readonly name: string;
  /** Last time the consumer was seen by a command (ms). */
  seenTime: number;
  readonly pel: Pel;
}

const B = 0x100n;

/** The 16-byte big-endian key of an ID. */
export function idKey(id: StreamId): string {
  let ms = id.ms;
  let seq = id.seq;
  const c = new Array<number>(16);
  for (let i = 7; i >= 0; i--) {
    c[i] = Number(ms & 0xffn);
    ms >>= 8n;
    c[8 + i] = Number(seq & 0xffn);
    seq >>= 8n;
  }
  return String.fromCharCode(...c);
}

export function keyId(k: string): StreamId {
  let ms = 0n;
  let seq = 0n;
  for (let i = 0; i < 8; i++) {
    ms = ms * B + BigInt(k.charCodeAt(i));
    seq = seq * B + BigInt(k.charCodeAt(8 + i));
  }
  return { ms, seq };
}

export class Pel {
  private readonly tree = new BTree<string, Nack>();

  get size(): number {
    return this.tree.size;
  }
  get(key: string): Nack | undefined {
    return this.tree.get(key);
  }
  /** Insert when absent; returns false when the key was present. */
  tryInsert(key: string, nack: Nack): boolean {
    return this.tree.setIfNotPresent(key, nack);
  }
  set(key: string, nack: Nack): void {
    this.tree.set(key, nack);
  }
  delete(key: string): boolean {
    return this.tree.delete(key);
  }
  minKey(): string | undefined {
    return this.tree.minKey();
  }
  maxKey(): string | undefined {
    return this.tree.maxKey();
  }
  /** Entries with key >= from, in order. Do not modify the PEL while iterating. */
  entriesFrom(from?: string): IterableIterator<[string, Nack]> {
    return this.tree.entries(from);
  }
  /** The first entry with key >= from. */
  seek(from: string): [string, Nack] | undefined {
    const it = this.tree.entries(from).next();
    return it.done ? undefined : it.value;
  }
  /** The first entry with key > after. */
  next(after: string): [string, Nack] | undefined {
    return this.tree.nextHigherPair(after);
  }
  clear(): void {
    this.tree.clear();
  }
}

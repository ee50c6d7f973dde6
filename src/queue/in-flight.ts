/**
 * The consumer's bookkeeping of entries: those taken and not yet settled,
 * and the entries of an XREADGROUP reply.
 */
import type { TakenEntry as Entry } from './ordered.ts';

/** Entries taken and not yet settled, a map of ids per partition (no key string per message). */
export class InFlight {
  private readonly byPartition: Array<Map<string, Entry>>;
  size = 0;

  constructor(partitions: number) {
    this.byPartition = Array.from({ length: partitions }, () => new Map<string, Entry>());
  }

  has(partition: number, id: string): boolean {
    return this.byPartition[partition].has(id);
  }

  /** Add `e` unless its id is in flight already; whether it was added. */
  add(e: Entry): boolean {
    const m = this.byPartition[e.partition];
    if (m.has(e.id)) return false;
    m.set(e.id, e);
    this.size++;
    return true;
  }

  delete(e: Entry): void {
    if (this.byPartition[e.partition].delete(e.id)) this.size--;
  }

  *values(): IterableIterator<Entry> {
    for (const m of this.byPartition) yield* m.values();
  }
}

/** Entries of an XREADGROUP reply; `keys` gives each stream's partition. */
export function entriesOf(reply: unknown, keys: string[]): Entry[] {
  if (reply === null) return [];
  const out: Entry[] = [];
  for (const [key, entries] of reply as Array<[string, Array<[string, string[] | null]>]>) {
    const partition = keys.indexOf(key);
    for (const [id, fields] of entries) if (fields) out.push({ partition, id, fields, deliveries: 1 });
  }
  return out;
}

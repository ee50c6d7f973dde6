/**
 * The keyspace dictionary. Interface kept small so the incremental-rehash
 * implementation can replace this Map-backed one without touching callers.
 */
export class Dict<V> {
  private readonly map = new Map<string, V>();

  get(key: string): V | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  set(key: string, value: V): void {
    this.map.set(key, value);
  }
  delete(key: string): boolean {
    return this.map.delete(key);
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
  }
}

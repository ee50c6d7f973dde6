/**
 * A list value: a double-ended queue in one array used as a ring buffer.
 *
 * Representation: `items` has a power-of-two capacity; the list is the
 * `size` slots starting at `head`, wrapping around. Push and pop at both
 * ends are O(1) (amortised when the buffer doubles); index access is O(1),
 * so LINDEX/LSET/LRANGE cost what they return. Redis uses a quicklist
 * (linked listpacks) for the same operations; the ring buffer gives the
 * same complexities for what the list commands do.
 *
 * Invariant: slots outside the live range are undefined (no stale
 * references kept alive).
 */
export class Deque {
  private items: Array<string | undefined> = new Array(8);
  private head = 0;
  size = 0;

  static from(values: string[]): Deque {
    const d = new Deque();
    for (const v of values) d.pushBack(v);
    return d;
  }

  private grow(): void {
    const old = this.items;
    const next = new Array<string | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & (old.length - 1)];
    this.items = next;
    this.head = 0;
  }

  pushFront(v: string): void {
    if (this.size === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = v;
    this.size++;
  }

  pushBack(v: string): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & (this.items.length - 1)] = v;
    this.size++;
  }

  popFront(): string | undefined {
    if (this.size === 0) return undefined;
    const v = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size--;
    return v;
  }

  popBack(): string | undefined {
    if (this.size === 0) return undefined;
    const i = (this.head + this.size - 1) & (this.items.length - 1);
    const v = this.items[i];
    this.items[i] = undefined;
    this.size--;
    return v;
  }

  /** Element at 0-based index (no negative indices here). */
  get(i: number): string {
    return this.items[(this.head + i) & (this.items.length - 1)] as string;
  }

  set(i: number, v: string): void {
    this.items[(this.head + i) & (this.items.length - 1)] = v;
  }

  /** Elements [start, end) as an array. */
  slice(start: number, end: number): string[] {
    const out: string[] = [];
    for (let i = start; i < end; i++) out.push(this.get(i));
    return out;
  }

  toArray(): string[] {
    return this.slice(0, this.size);
  }

  /** Replace the content (LREM, LTRIM, LINSERT rebuild). */
  replace(values: string[]): void {
    const d = Deque.from(values);
    this.items = d.items;
    this.head = d.head;
    this.size = d.size;
  }
}

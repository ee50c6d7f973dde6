/**
 * A typed stream of status events, separate from the messages: listen with
 * on(), or iterate with `for await`. Events are dropped (not buffered
 * without bound) when an iterator falls more than 1,000 behind.
 */
export type ConsumerEvent =
  | { type: 'started'; consumer: string }
  | { type: 'reclaimed'; id: string; partition: number; from: string; deliveries: number }
  | { type: 'retry'; id: string; partition: number; deliveries: number; delayMs: number; error: string }
  | { type: 'dead-lettered'; id: string; partition: number; reason: string; deliveries: number }
  | { type: 'lost'; id: string; partition: number; owner: string | null }
  | { type: 'group-created'; partition: number }
  /** A member of the group, idle with nothing pending, was removed from its list (forgetIdleConsumersMs). */
  | { type: 'consumer-removed'; partition: number; consumer: string }
  /** Ordered mode: this consumer now holds the partition's lease. */
  | { type: 'assigned'; partition: number }
  /** Ordered mode: it gave the partition back (rebalance, stop) or its lease ran out ('lease-lost'). */
  | { type: 'revoked'; partition: number; reason: 'rebalance' | 'lease-lost' | 'stopped' }
  | { type: 'error'; error: Error }
  | { type: 'stopped'; consumer: string };

/** A producer's status events (retention on write). */
export type ProducerEvent =
  /** A trim on write ran on a partition: `limitedBy` is 'policy', or 'group:<name>' when a group held entries back. */
  | { type: 'trimmed'; partition: number; removed: number; keepFrom: string; limitedBy: string }
  /** A trim on write failed (the sends themselves are not affected; the next trim tries again). */
  | { type: 'error'; error: Error };

export class EventChannel<E> {
  private readonly listeners = new Set<(e: E) => void>();
  private readonly queues = new Set<{ items: E[]; wake: (() => void) | null }>();
  private closed = false;

  emit(e: E): void {
    for (const l of this.listeners) l(e);
    for (const q of this.queues) {
      if (q.items.length < 1000) q.items.push(e);
      q.wake?.();
    }
  }

  on(listener: (e: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    for (const q of this.queues) q.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<E> {
    const q: { items: E[]; wake: (() => void) | null } = { items: [], wake: null };
    this.queues.add(q);
    try {
      for (;;) {
        while (q.items.length) yield q.items.shift()!;
        if (this.closed) return;
        await new Promise<void>((r) => (q.wake = r));
        q.wake = null;
      }
    } finally {
      this.queues.delete(q);
    }
  }
}

/**
 * What the failover tests (test/client/sentinel.test.ts,
 * test/queue/cluster-failover.test.ts) share: a sender that retries each
 * message until the producer acknowledges it, and the cleanups that after()
 * runs too, so a test that timed out leaves no client reconnecting and no
 * consumer running.
 */
import { connect, type Connection } from '../../src/client/index.ts';
import { Consumer, type Producer, type SendResult, type Topic } from '../../src/queue/index.ts';
import { within } from './admin.ts';

/** Sends `{ i }`, each again every 50 ms until acknowledged (each try within 5 s, each message within 15 s). */
export class AckedSender {
  /** Acknowledged sends: i -> where the message went. */
  readonly acked = new Map<number, SendResult>();
  errors = 0;
  lastError = '';

  constructor(private readonly producer: Producer<{ i: number }>) {}

  /** Whether every acknowledged send is among the handled ones. */
  allHandled(seen: Map<number, number>): boolean {
    return [...this.acked.keys()].every((i) => seen.has(i));
  }

  async send(i: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        this.acked.set(i, await within(this.producer.send({ i }, { key: String(i) }), 5000, `send ${i}`));
        return;
      } catch (e) {
        this.errors++;
        this.lastError = (e as Error).message;
        if (Date.now() > deadline) throw new Error(`send ${i} not acknowledged within 15 s (${this.errors} errors, last: ${this.lastError})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}

/** Closers run last-in first-out, each within 5 s. */
export class Cleanups {
  private readonly closers: Array<() => Promise<unknown>> = [];

  push(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  /** connect(url) within 10 s, closed by run(). */
  async open(url: string): Promise<Connection> {
    const c = await within(connect(url), 10_000, `connect(${url})`);
    this.push(() => c.close());
    return c;
  }

  async run(): Promise<void> {
    while (this.closers.length > 0) await within(this.closers.pop()!(), 5000, 'cleanup').catch(() => {});
  }
}

/**
 * A consumer of group `g` with short timings that counts how often each
 * `{ i }` was handled and records its error events; cleanups stop it.
 */
export function countingConsumer(t: Topic<{ i: number }>, connection: Connection, cleanups: Cleanups): { seen: Map<number, number>; errors: Array<{ at: number; message: string }> } {
  const seen = new Map<number, number>();
  const errors: Array<{ at: number; message: string }> = [];
  const consumer = new Consumer(t, { connection, group: 'g', name: 'c1', concurrency: 8, blockMs: 500, claimIdleMs: 2000, heartbeatMs: 500, scanIntervalMs: 100 });
  consumer.events.on((e) => {
    if (e.type === 'error') errors.push({ at: Date.now(), message: e.error.message });
  });
  const consuming = consumer.run(async (m) => void seen.set(m.payload.i, (seen.get(m.payload.i) ?? 0) + 1));
  cleanups.push(async () => {
    await consumer.stop();
    await consuming;
  });
  return { seen, errors };
}

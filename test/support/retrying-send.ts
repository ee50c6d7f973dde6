/**
 * For fault tests: send `{ i }` until the producer acknowledges it (retrying
 * every 50 ms through cuts and restarts), then record i as acknowledged. The
 * returned counter tells how many attempts failed.
 */
import type { Producer } from '../../src/queue/index.ts';

export interface AckLog {
  acked: Set<number>;
  errors: number;
}

export async function sendUntilAcked(producer: Producer<{ i: number }>, i: number, log: AckLog): Promise<void> {
  for (;;) {
    try {
      await producer.send({ i }, { key: String(i) });
      log.acked.add(i);
      return;
    } catch {
      log.errors++;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * What a message costs the server in reads: a consumer sends the acks of
 * the handlers that finished in one turn and its next read in one write,
 * so a message handled on its own costs redis-server two socket reads (the
 * producer's XADD, and the consumer's ack with its next XREADGROUP), not
 * three. Counted with INFO's total_reads_processed, not timed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../src/client/index.ts';
import { Consumer, Producer, topic } from '../../src/queue/index.ts';
import { infoField } from '../support/admin.ts';
import { startRedis, type RedisProcess } from '../support/redis-server.ts';
import { until } from '../support/until.ts';

let redis: RedisProcess;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});

for (const concurrency of [1, 16]) test(`a message handled on its own costs the server two reads: the send, then the ack and the next read together (concurrency ${concurrency})`, async () => {
  const conn = await connect(redis.url);
  const t = topic<{ i: number }>({ name: `round-trips-${concurrency}` });
  const producer = new Producer(t, { connection: conn });
  // No PEL scan or heartbeat while counting (their commands would be counted too).
  const consumer = new Consumer(t, { connection: conn, group: 'g', concurrency, scanIntervalMs: 60_000, claimIdleMs: 120_000 });
  let handled = 0;
  let next: (() => void) | null = null;
  const running = consumer.run(() => {
    handled++;
    next?.();
  });
  try {
    await producer.send({ i: -1 }); // the consumer is up and blocking in its read
    await until(async () => handled === 1, 10_000, 'the first message to be handled');
    await new Promise((r) => setTimeout(r, 50));
    const reads = async () => Number(infoField(await conn.send(['INFO', 'stats']), 'total_reads_processed'));
    const n = 100;
    const before = await reads();
    for (let i = 0; i < n; i++) {
      const done = new Promise<void>((r) => (next = r));
      await producer.send({ i });
      await done;
    }
    await until(async () => (await conn.send(['XPENDING', t.stream(0), 'g']) as [number])[0] === 0, 10_000, 'the last ack');
    const perMessage = ((await reads()) - before) / n;
    // Before acks and reads shared a write: 3 (send, ack, read). The slack is for the INFO and XPENDING calls.
    assert.ok(perMessage <= 2.15, `${perMessage} server reads per message`);
    assert.equal(handled, n + 1);
  } finally {
    await consumer.stop();
    await running;
    await conn.close();
  }
});

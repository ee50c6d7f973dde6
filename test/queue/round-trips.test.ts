/**
 * What a message costs the server in socket reads, counted with INFO's
 * total_reads_processed (not timed).
 *
 * Shared mode, messages sent one at a time, each once the one before was
 * handled: a consumer sends the acks of the handlers that finished in one
 * turn and its next read in one write, so a message costs two reads
 * (the producer's XADD; the consumer's ack with its next XREADGROUP), not
 * three. Ordered mode: the ack and the NEXT script for the message after
 * it share a write, so going through a backlog costs one read a message,
 * not two.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../src/client/index.ts';
import { Consumer, Producer, topic, type ConsumerOptions } from '../../src/queue/index.ts';
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

/** Server reads per message over 100 messages, each sent once the one before was handled. */
async function readsPerMessage(name: string, options: Partial<ConsumerOptions>): Promise<number> {
  const conn = await connect(redis.url);
  const sender = await connect(redis.url);
  const t = topic<{ i: number }>({ name });
  const producer = new Producer(t, { connection: sender });
  // No PEL scan, promotion of delayed messages, heartbeat or lease renewal while counting.
  const consumer = new Consumer(t, { connection: conn, group: 'g', scanIntervalMs: 60_000, claimIdleMs: 120_000, leaseMs: 60_000, ...options });
  let handled = 0;
  let next: (() => void) | null = null;
  const running = consumer.run(() => {
    handled++;
    next?.();
  });
  try {
    await producer.send({ i: -1 }); // the consumer is up and waiting in its read
    await until(async () => handled === 1, 10_000, 'the first message to be handled');
    await new Promise((r) => setTimeout(r, 50));
    const reads = async () => Number(infoField(await sender.send(['INFO', 'stats']), 'total_reads_processed'));
    const n = 100;
    const start = await reads();
    for (let i = 0; i < n; i++) {
      const done = new Promise<void>((r) => (next = r));
      await producer.send({ i });
      await done;
    }
    await until(async () => ((await sender.send(['XPENDING', t.stream(0), 'g'])) as [number])[0] === 0, 10_000, 'the last ack');
    const perMessage = ((await reads()) - start) / n;
    assert.equal(handled, n + 1);
    return perMessage;
  } finally {
    await consumer.stop();
    await running;
    await conn.close();
    await sender.close();
  }
}

// The slack (0.15 a message) is for the INFO and XPENDING calls.
for (const concurrency of [1, 16]) {
  test(`shared mode, concurrency ${concurrency}: a message costs the server two reads, the send, then the ack and the next read together`, async () => {
    const perMessage = await readsPerMessage(`round-trips-${concurrency}`, { concurrency });
    assert.ok(perMessage <= 2.15, `${perMessage} server reads per message`);
  });
}

test('ordered mode: the ack and the NEXT for the message after it share a write (one read a message through a backlog, not two)', async () => {
  const conn = await connect(redis.url);
  const t = topic<{ i: number }>({ name: 'round-trips-ordered' });
  const n = 200;
  await new Producer(t, { connection: conn }).sendBatch(Array.from({ length: n }, (_, i) => ({ payload: { i } })));
  const consumer = new Consumer(t, { connection: conn, group: 'g', mode: 'ordered', scanIntervalMs: 60_000, leaseMs: 60_000 });
  let handled = 0;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  // The first handler waits at the gate: the count starts with the backlog in front of the consumer.
  const running = consumer.run(async () => {
    if (handled++ === 0) await gate;
  });
  const reads = async () => Number(infoField(await conn.send(['INFO', 'stats']), 'total_reads_processed'));
  try {
    await until(async () => handled === 1, 10_000, 'the first message to be handled');
    const start = await reads();
    open();
    await until(async () => handled === n && ((await conn.send(['XPENDING', t.stream(0), 'g'])) as [number])[0] === 0, 10_000, 'every message to be handled and acked');
    const perMessage = ((await reads()) - start) / n;
    // Before, the ack and the next NEXT were a write each: 2 a message. The slack is for the polls.
    assert.ok(perMessage <= 1.25, `${perMessage} server reads per message`);
  } finally {
    await consumer.stop();
    await running;
    await conn.close();
  }
});

test('a batch send is one command for each partition and 500 messages, not one a message (commands counted with INFO commandstats)', async () => {
  const conn = await connect(redis.url);
  const t = topic<{ i: number }>({ name: 'round-trips-batch', partitions: 2 });
  const calls = async (cmd: string) => Number(/calls=(\d+)/.exec(infoField(await conn.send(['INFO', 'commandstats']), `cmdstat_${cmd}`) ?? '')?.[1] ?? 0);
  try {
    const producer = new Producer(t, { connection: conn });
    await producer.send({ i: -1 }); // the script is loaded by the first batch: count from the second
    await producer.sendBatch([{ payload: { i: -2 } }]);
    const [xadds, scripts] = [await calls('xadd'), (await calls('evalsha')) + (await calls('eval'))];
    // 1,300 messages, round-robin over 2 partitions: 650 each, so 2 script calls a partition.
    await producer.sendBatch(Array.from({ length: 1300 }, (_, i) => ({ payload: { i } })));
    assert.equal((await calls('xadd')) - xadds, 1300, 'every message appended');
    assert.equal((await calls('evalsha')) + (await calls('eval')) - scripts, 4, 'script calls');
  } finally {
    await conn.close();
  }
});

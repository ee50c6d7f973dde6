/**
 * A paused consumer process ("zombie"): SIGSTOPped while it holds 8
 * messages, past claimIdleMs, so a healthy consumer reclaims them; then
 * SIGCONTed while the healthy one still works on them. The zombie must not
 * ack them on the new owner's behalf (Redis itself would let it): it
 * reports each as `lost`, the healthy consumer's acks all succeed (none of
 * its messages vanish under it), and nothing is left pending.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from '../../src/client/index.ts';
import { Consumer, Producer, topic, type ConsumerEvent } from '../../src/queue/index.ts';
import { startRedis, type RedisProcess } from '../support/redis-server.ts';
import { until } from '../support/until.ts';

let redis: RedisProcess;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});

test('a consumer paused past claimIdleMs, then resumed, acks nothing it lost and reports it', async () => {
  const conn = await connect(redis.url);
  const t = topic<{ i: number }>({ name: 'paused' });
  const ids = (await new Producer(t, { connection: conn }).sendBatch(Array.from({ length: 8 }, (_, i) => ({ payload: { i } })))).map((r) => r.id);
  const zombie = spawn(process.execPath, ['--import', 'tsx', 'test/queue/fixtures/slow-consumer-process.ts'], {
    env: { ...process.env, BROOK_URL: redis.url, BROOK_TOPIC: t.name, BROOK_NAME: 'zombie', BROOK_WORK_MS: '1500' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => zombie.once('exit', r));
  const events: ConsumerEvent[] = [];
  let healthy: Consumer<{ i: number }> | undefined;
  let running: Promise<void> | undefined;
  try {
    await until(async () => (await conn.send(['LLEN', `${t.name}:started`])) === 8, 15_000, 'the zombie to start all 8 handlers');
    zombie.kill('SIGSTOP');
    const handled: string[] = [];
    healthy = new Consumer(t, { connection: conn, group: 'g', name: 'healthy', concurrency: 8, claimIdleMs: 1000, heartbeatMs: 200, scanIntervalMs: 50, blockMs: 100 });
    healthy.events.on((e) => events.push(e));
    running = healthy.run(async (m) => {
      await new Promise((r) => setTimeout(r, 1500));
      handled.push(m.id);
    });
    await until(() => events.filter((e) => e.type === 'reclaimed').length === 8, 10_000, 'the healthy consumer to reclaim all 8');
    zombie.kill('SIGCONT'); // wakes while the healthy consumer still works on them
    await until(async () => new Set((await conn.send(['LRANGE', `${t.name}:lost`, 0, -1])) as string[]).size === 8, 10_000, 'the zombie to report 8 lost');
    await until(() => handled.length === 8, 10_000, 'the healthy consumer to finish');
    await until(async () => ((await conn.send(['XPENDING', t.stream(0), 'g'])) as [number])[0] === 0, 5000, 'nothing pending');
    const lost = [...new Set((await conn.send(['LRANGE', `${t.name}:lost`, 0, -1])) as string[])].sort();
    assert.deepEqual(lost, ids.map((id) => `${id} healthy`).sort(), 'the zombie reports each message it lost, and who has it');
    assert.deepEqual(events.filter((e) => e.type === 'lost'), [], 'no message vanished under the healthy consumer (no ack on its behalf)');
    assert.deepEqual(handled.sort(), [...ids].sort());
  } finally {
    zombie.kill('SIGCONT');
    zombie.kill('SIGTERM');
    await exited;
    await healthy?.stop();
    await running;
    await conn.close();
  }
});

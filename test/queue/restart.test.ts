/**
 * Server restart test: redis-server (appendonly, appendfsync always) is
 * SIGKILLed while a producer sends and a consumer handles, and started again
 * on the same port and folder. The same Producer and Consumer objects go on
 * by themselves; every send the producer saw acknowledged is handled, and
 * nothing is left pending.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Connection } from '../../src/client/index.ts';
import { Consumer, Producer, topic } from '../../src/queue/index.ts';
import { freePort, startRedis, type RedisProcess } from '../support/redis-server.ts';
import { sendUntilAcked, type AckLog } from '../support/retrying-send.ts';
import { until } from '../support/until.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ARGS = ['--appendonly', 'yes', '--appendfsync', 'always'];

test('redis-server killed -9 and restarted twice mid-stream: every acknowledged message handled, the consumer resumes by itself', { timeout: 90_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-restart-'));
  const port = await freePort();
  let redis: RedisProcess = await startRedis({ dir, port, args: ARGS });
  const conns: Connection[] = [];
  const open = async () => {
    const c = await connect(redis.url);
    conns.push(c);
    return c;
  };
  let consumer: Consumer<{ i: number }> | undefined;
  let consuming: Promise<void> | undefined;
  try {
    const t = topic<{ i: number }>({ name: 'restart', partitions: 2 });
    const seen = new Map<number, number>();
    let lastHandledAt = 0;
    let consumerErrors = 0;
    consumer = new Consumer(t, { connection: await open(), group: 'g', name: 'r1', concurrency: 8, blockMs: 500, claimIdleMs: 3000, scanIntervalMs: 100 });
    consumer.events.on((e) => {
      if (e.type === 'error') consumerErrors++;
    });
    consuming = consumer.run(async (m) => {
      seen.set(m.payload.i, (seen.get(m.payload.i) ?? 0) + 1);
      lastHandledAt = Date.now();
    });

    // The producer sends without pause; a send that fails is sent again. Only acknowledged sends count.
    const producer = new Producer(t, { connection: await open() });
    const log: AckLog = { acked: new Set(), errors: 0 };
    const acked = log.acked;
    let next = 0;
    let producing = true;
    const sendLoop = async () => {
      while (producing) {
        const i = next++;
        await sendUntilAcked(producer, i, log);
      }
    };
    const loops = Promise.all([sendLoop(), sendLoop()]);

    const resumeMs: number[] = [];
    const ackedAtKill: number[] = [];
    for (let round = 0; round < 2; round++) {
      await sleep(1000);
      ackedAtKill.push(acked.size);
      await redis.stop(); // SIGKILL; the folder stays (it is ours)
      await sleep(300);
      redis = await startRedis({ dir, port, args: ARGS });
      const up = Date.now();
      await until(() => lastHandledAt > up, 30_000, `the consumer to resume after restart ${round + 1}`);
      resumeMs.push(lastHandledAt - up);
    }
    await sleep(500);
    producing = false;
    await loops;

    await until(
      async () => {
        if (![...acked].every((i) => seen.has(i))) return false;
        for (let p = 0; p < t.partitions; p++) {
          if (((await conns[0].send(['XPENDING', t.stream(p), 'g'])) as [number])[0] !== 0) return false;
        }
        return true;
      },
      30_000,
      'every acknowledged message handled and acked',
    );
    const missing = [...acked].filter((i) => !seen.has(i));
    assert.deepEqual(missing, [], 'every acknowledged message handled');
    assert.ok(ackedAtKill.every((n) => n > 0), `the producer was sending at each kill (${ackedAtKill})`);
    assert.ok(acked.size > ackedAtKill[1], 'the producer went on after the restarts');
    const duplicates = [...seen.values()].reduce((s, c) => s + c - 1, 0);
    console.log(
      `# restart: ${acked.size} acknowledged sends (${ackedAtKill} at the kills), 2 kill -9 + restarts, ${log.errors} send errors, ` +
        `${duplicates} duplicate handlings, ${consumerErrors} consumer errors; consumer resumed ${resumeMs} ms after each restart`,
    );
  } finally {
    await consumer?.stop();
    await consuming;
    for (const c of conns) await c.close();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * Fault test: consumer processes are SIGKILLed at random while 20,000
 * messages flow through a group. Every message is handled at least once;
 * there are no more duplicates than messages the killed consumers had
 * delivered but not acked (read from XPENDING right after each kill); at
 * the end nothing is pending.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Connection } from '../../src/client/index.ts';
import { Producer, topic } from '../../src/queue/index.ts';
import { startRedis, type RedisProcess } from '../support/redis-server.ts';

let redis: RedisProcess;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});

const N = 20_000;

function spawnConsumer(name: string, topicName: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'test/queue/fixtures/consumer-process.ts'], {
    env: { ...process.env, BROOK_URL: redis.url, BROOK_TOPIC: topicName, BROOK_NAME: name, BROOK_DELAY_MS: '15' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function seenCounts(conn: Connection, name: string): Promise<Map<number, number>> {
  const flat = (await conn.send(['HGETALL', `${name}:seen`])) as string[];
  const m = new Map<number, number>();
  for (let i = 0; i < flat.length; i += 2) m.set(Number(flat[i]), Number(flat[i + 1]));
  return m;
}

test(`consumers SIGKILLed at random during ${N} messages: none lost, duplicates only among in-flight`, async () => {
  const conn = await connect(redis.url);
  const t = topic<{ i: number }>({ name: 'faults', partitions: 2 });
  const producer = new Producer(t, { connection: conn });
  for (let i = 0; i < N; i += 1000) {
    await producer.sendBatch(Array.from({ length: 1000 }, (_, k) => ({ payload: { i: i + k }, key: String(i + k) })));
  }
  for (let p = 0; p < 2; p++) await conn.send(['XGROUP', 'CREATE', t.stream(p), 'g', '0']);
  let next = 0;
  const live = new Map<string, ChildProcess>();
  const startedAt = new Map<string, number>();
  const start = () => {
    const name = `c${next++}`;
    live.set(name, spawnConsumer(name, t.name));
    startedAt.set(name, Date.now());
  };
  for (let i = 0; i < 3; i++) start();
  let kills = 0;
  const inFlightAtKill = new Set<string>();
  const deadline = Date.now() + 120_000;
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 400 + Math.random() * 400));
      const seen = await seenCounts(conn, t.name);
      const pending = await Promise.all([0, 1].map(async (p) => ((await conn.send(['XPENDING', t.stream(p), 'g'])) as [number])[0]));
      if (seen.size === N && pending[0] + pending[1] === 0) break;
      if (Date.now() > deadline) assert.fail(`timed out: ${seen.size} of ${N} handled, pending ${pending}`);
      // Kill only consumers that have been up long enough to be working.
      const working = [...live.keys()].filter((k) => Date.now() - startedAt.get(k)! > 1500);
      if (kills < 6 && seen.size < N * 0.9 && working.length > 0) {
        const victim = working[Math.floor(Math.random() * working.length)];
        const child = live.get(victim)!;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
        live.delete(victim);
        kills++;
        // What the dead consumer had delivered but not acked: the only messages that may be handled twice.
        for (const p of [0, 1]) {
          const mine = (await conn.send(['XPENDING', t.stream(p), 'g', '-', '+', 10_000, victim])) as Array<[string]>;
          for (const [id] of mine) inFlightAtKill.add(`${p}/${id}`);
        }
        start();
      }
    }
    const seen = await seenCounts(conn, t.name);
    const missing = Array.from({ length: N }, (_, i) => i).filter((i) => !seen.has(i));
    assert.deepEqual(missing, [], 'every message handled');
    const duplicates = [...seen.values()].filter((c) => c > 1).length;
    assert.ok(kills >= 3, `only ${kills} kills happened`);
    assert.ok(duplicates <= inFlightAtKill.size, `${duplicates} duplicates, but only ${inFlightAtKill.size} messages were in flight at the kills`);
    console.log(`# faults: ${kills} kills, ${inFlightAtKill.size} in flight at the kills, ${duplicates} duplicates of ${N}`);
  } finally {
    for (const c of live.values()) c.kill('SIGKILL');
    await conn.close();
  }
});

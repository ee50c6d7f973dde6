/**
 * Fault test for ordered mode: consumer processes holding partition leases
 * are SIGKILLed at random and replaced while messages of 20 keys flow; their
 * partitions move to the others once the lease runs out. Per key, the
 * handled sequence numbers never go backwards (a message may repeat only
 * right after itself: the one a killed consumer had in hand), every message
 * is handled, and nothing is left pending.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from '../../src/client/index.ts';
import { Producer, topic } from '../../src/queue/index.ts';
import { startRedis, type RedisProcess } from '../support/redis-server.ts';

let redis: RedisProcess;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});

const KEYS = 20;
const PER_KEY = 150;

test(`ordered mode: consumers SIGKILLed at random, per-key order holds over ${KEYS * PER_KEY} messages`, async () => {
  const conn = await connect(redis.url);
  const t = topic<{ key: string; seq: number }>({ name: 'ordfaults', partitions: 4 });
  const producer = new Producer(t, { connection: conn });
  let next = 0;
  const live = new Map<string, { child: ChildProcess; since: number }>();
  const start = () => {
    const name = `c${next++}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/queue/fixtures/ordered-consumer-process.ts'], {
      env: { ...process.env, BROOK_URL: redis.url, BROOK_TOPIC: t.name, BROOK_NAME: name },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    live.set(name, { child, since: Date.now() });
  };
  for (let i = 0; i < 3; i++) start();
  // Messages keep arriving while consumers die, in rounds of one per key.
  let sent = 0;
  const producing = (async () => {
    for (let seq = 0; seq < PER_KEY; seq++) {
      await producer.sendBatch(Array.from({ length: KEYS }, (_, k) => ({ payload: { key: `k${k}`, seq }, key: `k${k}` })));
      sent += KEYS;
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  let kills = 0;
  const deadline = Date.now() + 120_000;
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 700 + Math.random() * 500));
      const handled = new Set((await conn.send(['LRANGE', `${t.name}:log`, 0, -1])) as string[]).size;
      const pending = await Promise.all([0, 1, 2, 3].map(async (p) => {
        try {
          return ((await conn.send(['XPENDING', t.stream(p), 'g'])) as [number])[0];
        } catch {
          return 1; // no group yet
        }
      }));
      if (handled === KEYS * PER_KEY && pending.every((x) => x === 0)) break;
      if (Date.now() > deadline) assert.fail(`timed out: ${handled} of ${KEYS * PER_KEY} handled, pending ${pending}`);
      const working = [...live].filter(([, c]) => Date.now() - c.since > 1500);
      if (kills < 5 && handled < KEYS * PER_KEY * 0.9 && working.length > 0) {
        const [victim, { child }] = working[Math.floor(Math.random() * working.length)];
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
        live.delete(victim);
        kills++;
        start();
      }
    }
    await producing;
    assert.equal(sent, KEYS * PER_KEY);
    const log = (await conn.send(['LRANGE', `${t.name}:log`, 0, -1])) as string[];
    const last = new Map<string, number>();
    let repeats = 0;
    for (const s of log) {
      const [key, seqText] = s.split(':');
      const seq = Number(seqText);
      const prev = last.get(key) ?? -1;
      assert.ok(seq === prev || seq === prev + 1, `key ${key}: ${seq} handled after ${prev}`);
      if (seq === prev) repeats++;
      last.set(key, seq);
    }
    assert.equal(last.size, KEYS);
    for (const [key, seq] of last) assert.equal(seq, PER_KEY - 1, `key ${key} finished`);
    assert.ok(kills >= 3, `only ${kills} kills happened`);
    // A killed consumer had at most one message in hand per partition it held.
    assert.ok(repeats <= kills * 4, `${repeats} repeats, more than the killed consumers could have had in hand`);
    console.log(`# ordered faults: ${kills} kills, ${repeats} repeated messages of ${KEYS * PER_KEY}`);
  } finally {
    for (const { child } of live.values()) child.kill('SIGKILL');
    await conn.close();
  }
});

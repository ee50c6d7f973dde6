/**
 * The queue commands of the CLI (`brook stats`, `brook dlq ...`, `brook
 * trim`) run as a user runs them (bin/brook.mjs in a child process) against
 * a real redis-server holding a topic with handled, lagging and
 * dead-lettered messages.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Connection } from '../../src/client/index.ts';
import { Consumer, Producer, topic, type PartitionStats } from '../../src/queue/index.ts';
import { startCluster } from '../support/redis-cluster.ts';
import { startRedis, type RedisProcess } from '../support/redis-server.ts';
import { until } from '../support/until.ts';
import { brook as runBrook } from '../support/cli.ts';

let redis: RedisProcess;
let conn: Connection;
const t = topic<{ n: number }>({ name: 'orders', partitions: 2 });
/** Messages whose handler always fails: dead letters after one delivery. */
const poison = [0, 3, 6, 9];

/** `brook ...args` with BROOK_URL pointing at the test's redis-server. */
const brook = (...args: string[]) => runBrook(redis.url, ...args);

before(async () => {
  redis = await startRedis();
  conn = await connect(redis.url);
  await new Producer(t, { connection: conn }).sendBatch(Array.from({ length: 10 }, (_, n) => ({ payload: { n }, key: `k${n}` })));
  // A second group that has read nothing: lag 10, and it holds back a trim.
  for (let p = 0; p < t.partitions; p++) await conn.send(['XGROUP', 'CREATE', t.stream(p), 'audit', '0']);
  const c = new Consumer(t, { connection: conn, group: 'shipping', name: 'w1', maxDeliveries: 1, blockMs: 50, scanIntervalMs: 20 });
  let settled = 0;
  c.events.on((e) => void (e.type === 'dead-lettered' && settled++));
  const running = c.run((m) => {
    if (poison.includes(m.payload.n)) throw new Error(`cannot ship order ${m.payload.n}`);
    settled++;
  });
  await until(() => settled === 10, 10_000, 'every message handled or dead-lettered');
  await c.stop();
  await running;
});

after(async () => {
  await conn?.close();
  await redis?.stop();
});

test('brook topics: the topics under the prefix with their partitions', async () => {
  await conn.send(['XADD', 'brook:{not a topic:0}', '*', 'p', '1']); // matches the pattern, but no topic has such a name
  const r = await brook('topics', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [{ name: 'orders', partitions: 2 }]);
  assert.equal((await brook('topics')).stdout.trim(), 'orders (2 partitions)');
  assert.equal((await brook('topics', '--prefix', 'nothing:')).stdout.trim(), "no topics under 'nothing:'");
});

test('brook topics on a Cluster: every master scanned', async () => {
  const cluster = await startCluster();
  try {
    const cc = await connect(cluster.url);
    const names = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
    // Two messages each, one per partition (no key: round-robin), so both partition streams exist.
    for (const name of names) await new Producer(topic({ name, partitions: 2 }), { connection: cc }).sendBatch([{ payload: { n: 1 } }, { payload: { n: 2 } }]);
    await cc.close();
    const r = await runBrook(cluster.url, 'topics', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [...names].sort().map((name) => ({ name, partitions: 2 })));
  } finally {
    await cluster.stop();
  }
});

test('brook stats: partitions counted, each group\'s lag and pending, its consumers', async () => {
  const r = await brook('stats', 'orders', '--json');
  assert.equal(r.code, 0, r.stderr);
  const stats = JSON.parse(r.stdout) as PartitionStats[];
  assert.equal(stats.length, 2);
  assert.equal(stats.reduce((n, p) => n + p.length, 0), 10);
  for (const p of stats) {
    const shipping = p.groups.find((g) => g.name === 'shipping')!;
    assert.equal(shipping.pending, 0);
    assert.equal(shipping.lag, 0);
    assert.equal(shipping.consumers[0].name, 'w1');
    assert.equal(p.groups.find((g) => g.name === 'audit')!.lag, p.length);
  }
  const text = await brook('stats', 'orders', '--url', redis.url);
  assert.match(text.stdout, /^partition 0 \(brook:\{orders:0\}\): \d+ entries$/m);
  assert.match(text.stdout, /^ {2}group shipping: lag 0, pending 0$/m);
  assert.match(text.stdout, /^ {4}consumer w1: pending 0, idle /m);
});

test('brook dlq list, replay (by reason, limited), purge (only with --yes)', async () => {
  const list = await brook('dlq', 'list', 'orders', '--json');
  assert.equal(list.code, 0, list.stderr);
  const letters = JSON.parse(list.stdout) as Array<{ reason: string; error: string; payloadText: string }>;
  assert.deepEqual(letters.map((d) => (JSON.parse(d.payloadText) as { n: number }).n).sort(), poison);
  assert.ok(letters.every((d) => d.reason === 'failed 1 deliveries' && /cannot ship order/.test(d.error)));
  assert.match((await brook('dlq', 'list', 'orders')).stdout, /: failed 1 deliveries: cannot ship order 3 \[group shipping, consumer w1, 1 deliveries\]/);

  const replay = await brook('dlq', 'replay', 'orders', '--reason', 'order 6');
  assert.deepEqual([replay.code, replay.stdout.trim()], [0, 'replayed 1']);
  const lengths = async () => Promise.all([0, 1].map(async (p) => Number(await conn.send(['XLEN', t.stream(p)]))));
  assert.equal((await lengths()).reduce((a, b) => a + b, 0), 11, 'the replayed letter is a new message on the topic');

  const refused = await brook('dlq', 'purge', 'orders');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /add --yes/);
  const purge = await brook('dlq', 'purge', 'orders', '--yes', '--json');
  assert.deepEqual(JSON.parse(purge.stdout), { purged: 3 });
  assert.equal((await brook('dlq', 'list', 'orders')).stdout.trim(), 'no dead letters');
});

test('brook trim: a preview, held back by the group that has read nothing', async () => {
  const r = await brook('trim', 'orders', '--maxlen', '0', '--preview');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^partition 0: would remove 0, keeping from \d+-\d+ \(held back by group:audit\)$/m);
  assert.match((await brook('trim', 'orders', '--maxlen', '0', '--preview', '--partitions', '1')).stdout.trim(), /^partition 0: [^\n]*$/);
  await conn.send(['XGROUP', 'DESTROY', t.stream(0), 'audit']);
  const preview = await brook('trim', 'orders', '--maxlen', '1', '--preview', '--json');
  const [p0] = JSON.parse(preview.stdout) as Array<{ removed: number }>;
  const before = Number(await conn.send(['XLEN', t.stream(0)]));
  assert.ok(p0.removed > 0 && p0.removed <= before);
  assert.equal(Number(await conn.send(['XLEN', t.stream(0)])), before, 'a preview removes nothing');
  const done = await brook('trim', 'orders', '--maxlen', '1', '--json');
  assert.equal((JSON.parse(done.stdout) as Array<{ removed: number }>)[0].removed, p0.removed);
});

test('bad usage exits 2, a missing topic or server 1, each with the reason', async () => {
  const noLimit = await brook('trim', 'orders');
  assert.equal(noLimit.code, 2);
  assert.match(noLimit.stderr, /--maxlen or --max-age/);
  const badNumber = await brook('dlq', 'list', 'orders', '--limit', 'lots');
  assert.equal(badNumber.code, 2);
  assert.match(badNumber.stderr, /whole number/);
  const missing = await brook('stats', 'nosuch');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^brook stats: no topic 'nosuch'/);
  const down = await brook('stats', 'orders', '--url', 'redis://127.0.0.1:1?connectTimeoutMs=200');
  assert.equal(down.code, 1);
  assert.match(down.stderr, /^brook stats: cannot connect to redis:\/\/127\.0\.0\.1:1 within 200 ms: connect ECONNREFUSED/);
});

/**
 * A Redis Cluster failover under a running consumer, against real processes:
 * three masters, each with a replica (test/support/redis-cluster.ts). The
 * replica of the master serving partition 0 takes over with CLUSTER FAILOVER
 * (a coordinated manual failover: the master stops writes until the replica
 * has caught up, so no acknowledged write is lost). Every message sent
 * before, during and after it must be handled and kept by the masters now
 * serving its stream, nothing left pending, and the consumer must not keep
 * failing (its errors are recorded and printed).
 * Every wait is bounded; after() closes what a timed-out test left open.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import calculateSlot from 'cluster-key-slot';
import { Producer, topic } from '../../src/queue/index.ts';
import { ownerOf, startCluster, type RedisCluster } from '../support/redis-cluster.ts';
import { ask, infoField, within, xreadgroupClients } from '../support/admin.ts';
import { AckedSender, Cleanups, countingConsumer } from '../support/failover.ts';
import { until } from '../support/until.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * INFO errorstats of the server at `port`: error prefix -> how many replies
 * it sent with it. ERR is left out: every new ioredis connection (each ask())
 * sends CLIENT SETINFO, which Redis 7.0 does not know.
 */
async function errorStats(port: number): Promise<Map<string, number>> {
  return new Map([...String(await ask(port, 'INFO', 'errorstats')).matchAll(/errorstat_(\w+):count=(\d+)/g)].filter((m) => m[1] !== 'ERR').map((m) => [m[1], Number(m[2])]));
}

let cluster: RedisCluster;
const cleanups = new Cleanups();
const open = (url: string) => cleanups.open(url);

before(async () => {
  cluster = await startCluster(3, 1);
});
after(async () => {
  await cleanups.run();
  await cluster?.stop();
});

test('Cluster failover under a running consumer: every acknowledged message handled and kept, nothing pending', { timeout: 60_000 }, async () => {
  const N = 200;
  const M = 200;
  const t = topic<{ i: number }>({ name: 'cfail', partitions: 4 });
  const slots = Array.from({ length: t.partitions }, (_, p) => calculateSlot(t.stream(p)));
  const producer = new Producer(t, { connection: await open(cluster.url) });
  const { seen, errors: consumerErrors } = countingConsumer(t, await open(cluster.url), cleanups);

  // A send that fails is sent again (each within 15 s) while the failover happens; only acknowledged sends count.
  const sender = new AckedSender(producer);
  const handledAll = () => sender.allHandled(seen);

  for (let i = 0; i < N; i++) await sender.send(i);
  await until(handledAll, 10_000, `the first ${N} messages handled`);

  // Every replica has all its master wrote (offsets equal) before the failover.
  const was = await cluster.topology();
  await until(
    async () => {
      for (const r of was.filter((n) => n.role === 'replica')) {
        const master = was.find((n) => n.id === r.masterId)!;
        const mo = infoField(await ask(master.port, 'INFO', 'replication'), 'master_repl_offset');
        const ro = infoField(await ask(r.port, 'INFO', 'replication'), 'slave_repl_offset');
        if (mo === undefined || mo !== ro) return false;
      }
      return true;
    },
    10_000,
    'every replica caught up with its master',
  );

  // The master of partition 0's slot hands over to its replica.
  const oldMaster = ownerOf(was, slots[0])!;
  const promoted = was.find((n) => n.role === 'replica' && n.masterId === oldMaster.id)!;
  const partitionsMoved = slots.map((s, p) => (ownerOf(was, s) === oldMaster ? p : -1)).filter((p) => p >= 0);
  // Sends go on across the switch too (numbered from DURING), until the old master is a replica.
  const DURING = 100_000;
  let during = 0;
  let switched = false;
  const sendingDuring = (async () => {
    while (!switched) await sender.send(DURING + during++);
  })();
  sendingDuring.catch(() => {}); // awaited below; its failure fails the test there
  const errorsBefore = await errorStats(oldMaster.port);
  await sleep(100);
  let failoverMs = -1;
  let demotedMs = -1;
  const t0 = Date.now();
  try {
    assert.equal(await ask(promoted.port, 'CLUSTER', 'FAILOVER'), 'OK');
    await until(async () => infoField(await ask(promoted.port, 'INFO', 'replication'), 'role') === 'master', 10_000, `port ${promoted.port} to say role:master`);
    failoverMs = Date.now() - t0;
    await until(async () => infoField(await ask(oldMaster.port, 'INFO', 'replication'), 'role') === 'slave', 10_000, `the old master ${oldMaster.port} to say role:slave`);
    demotedMs = Date.now() - t0;
  } finally {
    switched = true;
    await sendingDuring;
  }
  // The error replies the old master sent meanwhile: MOVED once it no longer served partition 0's slot (UNBLOCKED for a read it cut).
  const errorsAfter = await errorStats(oldMaster.port);
  const redirects = [...errorsAfter].map(([k, n]) => [k, n - (errorsBefore.get(k) ?? 0)] as const).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';

  for (let i = N; i < N + M; i++) await sender.send(i);
  const sentAfterMs = Date.now() - t0;
  await until(handledAll, 20_000, `all ${N + M} messages handled`).catch(() => {});
  const handledMs = Date.now() - t0;

  // What the masters now serving each stream hold: every acknowledged send must be there, nothing pending.
  const now = await cluster.topology(promoted.port);
  const ownerPort = (p: number) => ownerOf(now, slots[p])!.port;
  assert.equal(ownerPort(0), promoted.port, `partition 0's slot ${slots[0]} is served by the promoted replica now`);
  const kept = new Set<string>();
  for (let p = 0; p < t.partitions; p++) {
    for (const [id] of (await ask(ownerPort(p), 'XRANGE', t.stream(p), '-', '+')) as Array<[string, unknown]>) kept.add(`${p}/${id}`);
  }
  const lost = [...sender.acked].filter(([, r]) => !kept.has(`${r.partition}/${r.id}`)).map(([i]) => i);
  let pending = -1;
  await until(
    async () => {
      pending = 0;
      for (let p = 0; p < t.partitions; p++) pending += ((await ask(ownerPort(p), 'XPENDING', t.stream(p), 'g')) as [number])[0];
      return pending === 0;
    },
    10_000,
    'nothing pending on the masters',
  ).catch(() => {});
  // The consumer settles: no error in the last second.
  const settledAt = Date.now();
  await sleep(1000);
  const lateErrors = consumerErrors.filter((e) => e.at > settledAt).length;
  const readers = await xreadgroupClients(promoted.port);
  const unhandled = [...sender.acked.keys()].filter((i) => !seen.has(i));
  const duplicates = [...seen.values()].reduce((n, c) => n + c - 1, 0);
  const distinctErrors = [...new Set(consumerErrors.map((e) => e.message))];
  console.log(
    `# cluster failover: port ${oldMaster.port} -> ${promoted.port} (partitions ${partitionsMoved.join(',')}); role:master after ${failoverMs} ms, old master role:slave at +${demotedMs} ms (${during} sends meanwhile; its error replies meanwhile: ${redirects}); ` +
      `${M} sends after it done at +${sentAfterMs} ms (${sender.errors} send errors${sender.errors ? `, last: ${sender.lastError}` : ''}); handled by +${handledMs} ms: ${unhandled.length} unhandled; ` +
      `${lost.length} acknowledged sends missing from the masters${lost.length ? ` (${lost[0]}..${lost[lost.length - 1]})` : ''}; ${pending} pending; ` +
      `${readers} XREADGROUP clients on the new master; ${duplicates} duplicate handlings; ${consumerErrors.length} consumer errors (${lateErrors} in the last second)`,
  );
  for (const m of distinctErrors) console.log(`#   consumer error (${consumerErrors.filter((e) => e.message === m).length}x): ${m}`);

  assert.equal(unhandled.length, 0, `every acknowledged send is handled; not: ${unhandled.slice(0, 20).join(', ')}${unhandled.length > 20 ? ', ...' : ''}`);
  assert.equal(lost.length, 0, `every acknowledged send is kept by the masters; missing: ${lost.slice(0, 20).join(', ')}${lost.length > 20 ? ', ...' : ''}`);
  assert.equal(pending, 0, 'nothing left pending');
  assert.equal(lateErrors, 0, 'the consumer stops failing once the failover is over');
  assert.ok(consumerErrors.length <= 20, `a handful of consumer errors at most, not ${consumerErrors.length}`);
  await cleanups.run();
});

test('a master that stops answering (SIGSTOP): its replica takes over, and the consumer goes on without it', { timeout: 90_000 }, async () => {
  const t = topic<{ i: number }>({ name: 'cstall', partitions: 4 });
  const slots = Array.from({ length: t.partitions }, (_, p) => calculateSlot(t.stream(p)));
  // The consumer's links watched with a short replyTimeoutMs: a command the frozen master holds is sent again after 3 s.
  const { seen, errors: consumerErrors } = countingConsumer(t, await open(`${cluster.url}?replyTimeoutMs=3000`), cleanups);
  // One producer across the stall, as a service has: its sends to the frozen master are sent again after 3 s too.
  const sender = new AckedSender(new Producer(t, { connection: await open(`${cluster.url}?replyTimeoutMs=3000`) }));
  for (let i = 0; i < 100; i++) await sender.send(i);
  await until(() => sender.allHandled(seen), 10_000, 'the first 100 messages handled');

  const was = await cluster.topology();
  const stalled = ownerOf(was, slots[0])!;
  const replica = was.find((n) => n.role === 'replica' && n.masterId === stalled.id)!;
  const node = cluster.nodes.find((n) => n.port === stalled.port)!;
  const t0 = Date.now();
  node.process.kill('SIGSTOP'); // a frozen host: its sockets stay open and silent
  try {
    // The cluster fails it over (node timeout 5 s); the consumer's commands to it meanwhile hang.
    await until(async () => ownerOf(await cluster.topology(replica.port), slots[0])?.port === replica.port, 30_000, `the replica ${replica.port} to serve partition 0`);
    const failoverMs = Date.now() - t0;
    // Sends after the switch: each must be handled.
    for (let i = 1000; i < 1100; i++) await sender.send(i);
    const unhandled = () => [...sender.acked.keys()].filter((i) => i >= 1000 && !seen.has(i));
    await until(() => unhandled().length === 0, 30_000, 'the messages sent after the failover handled').catch(() => {});
    const distinctErrors = [...new Set(consumerErrors.map((e) => e.message))];
    console.log(`# stalled master ${stalled.port} -> ${replica.port}: failed over after ${failoverMs} ms; messages sent after it handled by +${Date.now() - t0} ms; ${unhandled().length} unhandled; ${sender.errors} send errors; ${consumerErrors.length} consumer errors`);
    for (const m of distinctErrors) console.log(`#   consumer error (${consumerErrors.filter((e) => e.message === m).length}x): ${m}`);
    assert.equal(unhandled().length, 0, `every message sent after the failover is handled; not: ${unhandled().slice(0, 20).join(', ')}`);
  } finally {
    node.process.kill('SIGCONT');
  }
  await cleanups.run();
});

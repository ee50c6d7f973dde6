/**
 * A shared-mode consumer's reads on a local 3-master Redis Cluster, where
 * one XREADGROUP cannot span the partitions' slots (slot-reads.ts):
 *
 * - idle, it keeps one blocking read per partition out (BLOCK blockMs), it
 *   does not poll: counted with the masters' INFO commandstats, not timed;
 * - a message on any partition is handled while the reads block, and what
 *   a read still out brings when the consumer stops is handled, not left
 *   pending.
 *
 * A master that stops answering: test/queue/cluster-failover.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../src/client/index.ts';
import { Consumer, topic } from '../../src/queue/index.ts';
import { ask } from '../support/admin.ts';
import { startCluster, type RedisCluster } from '../support/redis-cluster.ts';
import { until } from '../support/until.ts';

let cluster: RedisCluster;
before(async () => {
  cluster = await startCluster();
});
after(async () => {
  await cluster?.stop();
});

/** XREADGROUP calls the masters have run, summed (INFO commandstats). */
async function xreadgroupCalls(): Promise<number> {
  let sum = 0;
  for (const n of cluster.nodes) {
    const m = /cmdstat_xreadgroup:calls=(\d+)/.exec(String(await ask(n.port, 'INFO', 'commandstats')));
    sum += m ? Number(m[1]) : 0;
  }
  return sum;
}

test('an idle consumer keeps a blocking read per partition out, and handles a message on any of them', async () => {
  const conn = await connect(cluster.url);
  const t = topic<{ i: number }>({ name: 'idle-reads', partitions: 4 });
  const c = new Consumer(t, { connection: conn, group: 'g', concurrency: 4, blockMs: 3000 });
  const seen: number[] = [];
  const started = new Promise<void>((r) => c.events.on((e) => e.type === 'started' && r()));
  const running = c.run((m) => void seen.push(m.partition));
  try {
    await started;
    await new Promise((r) => setTimeout(r, 300)); // the blocking reads are out
    const before = await xreadgroupCalls();
    await new Promise((r) => setTimeout(r, 1500));
    const during = (await xreadgroupCalls()) - before;
    // Polling the partitions (a read every 100 ms) would be 15 or more in 1.5 s.
    assert.ok(during <= t.partitions, `${during} XREADGROUP calls in 1.5 s of an idle consumer with BLOCK 3000 on ${t.partitions} partitions`);
    // One message to each partition in turn, each sent once the one before was handled.
    for (let p = 0; p < t.partitions; p++) {
      await conn.send(['XADD', t.stream(p), '*', 'p', JSON.stringify({ i: p })]);
      await until(() => seen.length === p + 1, 5000, `the message on partition ${p}`);
    }
    assert.deepEqual(seen, [0, 1, 2, 3]);
  } finally {
    await c.stop();
    await running;
    await conn.close();
  }
});

test('what a read still out brings when the consumer stops is handled, nothing is left pending', async () => {
  const conn = await connect(cluster.url);
  const t = topic<{ i: number }>({ name: 'stop-reads', partitions: 4 });
  const c = new Consumer(t, { connection: conn, group: 'g', concurrency: 4, blockMs: 1000 });
  const handled: string[] = [];
  const started = new Promise<void>((r) => c.events.on((e) => e.type === 'started' && r()));
  const running = c.run((m) => void handled.push(m.id));
  try {
    await started;
    await new Promise((r) => setTimeout(r, 200));
    // Send to every partition as the consumer stops: each message goes to a read that is out.
    const sent = Promise.all(Array.from({ length: t.partitions }, (_, p) => conn.send(['XADD', t.stream(p), '*', 'p', '{}'])));
    const stopped = c.stop();
    await sent;
    await stopped;
    await running;
    let pending = 0;
    let delivered = 0;
    for (let p = 0; p < t.partitions; p++) {
      pending += Number(((await conn.send(['XPENDING', t.stream(p), 'g'])) as [number])[0]);
      const group = (await conn.send(['XINFO', 'GROUPS', t.stream(p)])) as unknown[][];
      const last = String(group[0][group[0].indexOf('last-delivered-id') + 1]);
      if (last !== '0-0') delivered++;
    }
    assert.equal(pending, 0, 'entries left pending on a stopped consumer');
    assert.equal(handled.length, delivered, 'every entry delivered was handled');
  } finally {
    await conn.close();
  }
});

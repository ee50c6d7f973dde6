/**
 * A live subscription on a local 3-master Redis Cluster, where one XREAD
 * cannot span the partition logs' slots: idle, it keeps one blocking XREAD
 * per log out and does not poll (counted with the masters' INFO stats, not
 * timed); an event on any log wakes it; stop() ends it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../src/client/index.ts';
import { EventStore, Subscription } from '../../src/eventstore/index.ts';
import { ask, infoField } from '../support/admin.ts';
import { startCluster, type RedisCluster } from '../support/redis-cluster.ts';
import { until } from '../support/until.ts';

let cluster: RedisCluster;
before(async () => {
  cluster = await startCluster();
});
after(async () => {
  await cluster?.stop();
});

/** Commands the masters have run, summed (INFO stats; each INFO counts itself). */
async function commandsRun(): Promise<number> {
  let sum = 0;
  for (const n of cluster.nodes) sum += Number(infoField(await ask(n.port, 'INFO', 'stats'), 'total_commands_processed'));
  return sum;
}

test('an idle subscription on a cluster keeps a blocking XREAD per log out, and an event on any log wakes it', async () => {
  const conn = await connect(cluster.url);
  const store = new EventStore({ connection: conn, prefix: 'live:', partitions: 4 });
  const streams = Array.from({ length: 40 }, (_, i) => `s-${i}`);
  // One stream on each partition.
  const onePerLog = [...new Map(streams.map((s) => [store.keys.partitionOf(s), s])).values()];
  assert.equal(onePerLog.length, 4);
  const seen: string[] = [];
  const sub = new Subscription(store, { name: 'live', blockMs: 3000, handler: (e) => void seen.push(e.stream) });
  try {
    await sub.caughtUp;
    await new Promise((r) => setTimeout(r, 300)); // the blocking reads are out
    const before = await commandsRun();
    await new Promise((r) => setTimeout(r, 1500));
    const during = (await commandsRun()) - before - cluster.nodes.length; // less this count's own INFO
    // Polling the logs every 100 ms would be 60 or more in 1.5 s.
    assert.ok(during <= 4, `${during} commands in 1.5 s of an idle subscription with BLOCK 3000 on 4 logs`);
    for (const [i, s] of onePerLog.entries()) {
      await store.append(s, [{ type: 'Added', data: { i } }]);
      await until(() => seen.length === i + 1, 5000, `the event on ${s}`);
    }
    assert.deepEqual(seen, onePerLog);
  } finally {
    await sub.stop();
    await conn.close();
  }
});

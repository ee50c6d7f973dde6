/**
 * A local 3-master Redis Cluster with one master frozen (SIGSTOP: its
 * sockets accept and stay silent):
 * - connect(): the slots are read from each node in turn, a second at most
 *   each, and what the client asks before it is ready (the server's
 *   version and commands) goes to the master that answers first: no
 *   keyless command to a node picked at random, which held connect() for
 *   good when it picked the frozen one;
 * - a subscriber on the frozen node: its PING goes unanswered, its link is
 *   dropped, and ioredis subscribes again on another node.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../src/client/index.ts';
import { ask } from '../support/admin.ts';
import { until } from '../support/until.ts';
import { startCluster, type RedisCluster } from '../support/redis-cluster.ts';

let cluster: RedisCluster;
before(async () => {
  cluster = await startCluster();
});
after(async () => {
  for (const n of cluster?.nodes ?? []) n.process.kill('SIGCONT');
  await cluster?.stop();
});

test('connect() to a cluster with a frozen master: every try connects', { timeout: 60_000 }, async () => {
  const frozen = cluster.nodes[0];
  frozen.process.kill('SIGSTOP');
  const outcomes: string[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      const t0 = Date.now();
      try {
        const c = await connect(`${cluster.url}?connectTimeoutMs=4000`);
        outcomes.push(`connected in ${Date.now() - t0} ms (${c.features.version}, cluster ${c.features.cluster})`);
        await c.close();
      } catch (e) {
        outcomes.push(`failed after ${Date.now() - t0} ms: ${(e as Error).message}`);
      }
    }
  } finally {
    frozen.process.kill('SIGCONT');
  }
  console.log(`# with master ${frozen.port} frozen: ${outcomes.join('; ')}`);
  assert.deepEqual(outcomes.filter((o) => o.startsWith('failed')), []);
});

test('a subscriber on a node that freezes moves to another node and receives again', { timeout: 60_000 }, async () => {
  const conn = await connect(`${cluster.url}?replyTimeoutMs=1000`);
  const received: string[] = [];
  const unsubscribe = await conn.subscribe('frozen-sub', (m) => void received.push(m));
  // The node the subscriber is on: the one with a client in subscribed mode.
  let subPort = 0;
  for (const n of cluster.nodes) if (/ sub=1 /.test(String(await ask(n.port, 'CLIENT', 'LIST')))) subPort = n.port;
  assert.ok(subPort > 0, 'a node has the subscriber');
  const frozen = cluster.nodes.find((n) => n.port === subPort)!;
  const live = cluster.nodes.find((n) => n.port !== subPort)!;
  frozen.process.kill('SIGSTOP');
  const frozenAt = Date.now();
  let published = 0;
  try {
    // PUBLISH on a live node; the cluster bus carries it to the others.
    await until(
      async () => {
        await ask(live.port, 'PUBLISH', 'frozen-sub', String(++published));
        await new Promise((r) => setTimeout(r, 100));
        return received.length > 0;
      },
      20_000,
      'a message on the subscriber after the freeze',
    );
    console.log(`# subscriber on frozen node ${subPort}: receiving again ${Date.now() - frozenAt} ms after the freeze (replyTimeoutMs 1000); ${published} published, ${received.length} received`);
  } finally {
    frozen.process.kill('SIGCONT');
    await unsubscribe();
    await conn.close();
  }
});

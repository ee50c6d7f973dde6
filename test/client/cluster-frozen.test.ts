/**
 * connect() to a local 3-master Redis Cluster while one master is frozen
 * (SIGSTOP: its sockets accept and stay silent). The slots are read from
 * each node in turn, a second at most each, and what the client asks
 * before it is ready (the server's version and commands) goes to the
 * master that answers first: no keyless command to a node picked at random,
 * which held connect() until connectTimeoutMs when it picked the frozen one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../src/client/index.ts';
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

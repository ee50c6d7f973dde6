/**
 * A local 3-master Redis Cluster for tests: three redis-server processes
 * with --cluster-enabled on free loopback ports (and free bus ports,
 * port + 10000), joined with `redis-cli --cluster create`.
 *
 *   const cluster = await startCluster();   // { url, nodes, stop() }
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { startRedis, type RedisProcess } from './redis-server.ts';

const run = promisify(execFile);

export interface RedisCluster {
  readonly nodes: RedisProcess[];
  /** redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3 */
  readonly url: string;
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A port p such that p and p + 10000 (the cluster bus) are both free. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const p = 20000 + Math.floor(Math.random() * 25000);
    if (taken.has(p)) continue;
    if ((await portFree(p)) && (await portFree(p + 10000))) {
      taken.add(p);
      return p;
    }
  }
}

export async function startCluster(masters = 3): Promise<RedisCluster> {
  const taken = new Set<number>();
  const nodes: RedisProcess[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      const port = await clusterPort(taken);
      nodes.push(await startRedis({ port, args: ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000'] }));
    }
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + 20_000;
    for (const n of nodes) {
      for (;;) {
        const { stdout } = await run('redis-cli', ['-p', String(n.port), 'CLUSTER', 'INFO']);
        if (/cluster_state:ok/.test(stdout)) break;
        if (Date.now() > deadline) throw new Error(`cluster did not become ok: ${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (e) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw e;
  }
  return {
    nodes,
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))),
  };
}

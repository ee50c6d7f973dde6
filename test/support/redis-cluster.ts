/**
 * A local Redis Cluster for tests: redis-server processes with
 * --cluster-enabled on free loopback ports (and free bus ports,
 * port + 10000), joined with `redis-cli --cluster create`. By default three
 * masters and no replicas; startCluster(3, 1) gives each master a replica.
 *
 *   const cluster = await startCluster();   // { url, nodes, topology(), stop() }
 *   const t = await cluster.topology();     // who is master (of which slots) and replica of whom, now
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { startRedis, type RedisProcess } from './redis-server.ts';
import { ask, infoField, waitFor } from './admin.ts';

const run = promisify(execFile);

/** One node as a CLUSTER NODES line describes it. */
export interface ClusterNode {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** A replica's master (its node id). */
  masterId?: string;
  /** A master's slot ranges, [from, to] inclusive. */
  slots: Array<[number, number]>;
}

export interface RedisCluster {
  /** Every node, masters and replicas alike, in the order started. */
  readonly nodes: RedisProcess[];
  /** redis+cluster://127.0.0.1:p1,127.0.0.1:p2,... (every node) */
  readonly url: string;
  /** CLUSTER NODES as `port` (default: the first node that answers) sees it now. */
  topology(port?: number): Promise<ClusterNode[]>;
  stop(): Promise<void>;
}

/** Parse CLUSTER NODES: `<id> <ip:port@bus> <flags> <master|-> <ping> <pong> <epoch> <link> <slot>...`. */
export function parseClusterNodes(text: string): ClusterNode[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const [id, addr, flags, master, , , , , ...slots] = line.trim().split(' ');
      const replica = flags.split(',').includes('slave');
      return {
        id,
        port: Number(/:(\d+)/.exec(addr)?.[1]),
        role: replica ? 'replica' : 'master',
        masterId: replica ? master : undefined,
        // Skip importing/migrating markers ([slot->-id]); a single slot is `n`, a range `a-b`.
        slots: slots.filter((s) => !s.startsWith('[')).map((s) => s.split('-').map(Number) as [number] | [number, number]).map(([a, b]) => [a, b ?? a]),
      };
    });
}

/** The master serving `slot` in `nodes`. */
export function ownerOf(nodes: ClusterNode[], slot: number): ClusterNode | undefined {
  return nodes.find((n) => n.role === 'master' && n.slots.some(([a, b]) => slot >= a && slot <= b));
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

/** Each node's role and master as a string, to compare two nodes' views. */
const roles = (ns: ClusterNode[]) => ns.map((n) => `${n.port}:${n.role}:${n.masterId ?? ''}`).sort().join(' ');

export async function startCluster(masters = 3, replicasPerMaster = 0): Promise<RedisCluster> {
  const taken = new Set<number>();
  const nodes: RedisProcess[] = [];
  const topology = async (port?: number) => {
    for (const p of port === undefined ? nodes.map((n) => n.port) : [port]) {
      try {
        return parseClusterNodes(String(await ask(p, 'CLUSTER', 'NODES')));
      } catch (e) {
        if (port !== undefined) throw e;
      }
    }
    throw new Error('no cluster node answers CLUSTER NODES');
  };
  try {
    for (let i = 0; i < masters * (1 + replicasPerMaster); i++) {
      const port = await clusterPort(taken);
      // repl-diskless-sync-delay 0: a replica's first full sync starts at once, not 5 s later.
      const args = ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000', '--repl-diskless-sync-delay', '0'];
      nodes.push(await startRedis({ port, args }));
    }
    // The first `masters` nodes get the slots, the rest become their replicas (redis-cli picks which of whom).
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicasPerMaster), '--cluster-yes']);
    await waitFor('every node to say cluster_state:ok', 20_000, async () => {
      for (const n of nodes) {
        const info = String(await ask(n.port, 'CLUSTER', 'INFO'));
        if (!/cluster_state:ok/.test(info)) return `port ${n.port}: ${infoField(info, 'cluster_state')}`;
      }
      return true;
    });
    if (replicasPerMaster > 0) {
      // A replica's failover needs the masters' votes, and a master votes only for a node it knows as a replica.
      await waitFor('every node to agree who replicates whom', 20_000, async () => {
        const views = await Promise.all(nodes.map((n) => topology(n.port)));
        const replicas = views[0].filter((n) => n.role === 'replica').length;
        if (replicas !== masters * replicasPerMaster) return `${replicas} replicas`;
        return views.every((v) => roles(v) === roles(views[0])) || 'the views differ';
      });
      await waitFor('every replica to sync with its master', 20_000, async () => {
        for (const n of (await topology()).filter((x) => x.role === 'replica')) {
          const link = infoField(await ask(n.port, 'INFO', 'replication'), 'master_link_status');
          if (link !== 'up') return `port ${n.port}: master_link_status:${link}`;
        }
        return true;
      });
    }
  } catch (e) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw e;
  }
  return {
    nodes,
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    topology,
    stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))),
  };
}

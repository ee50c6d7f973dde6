/**
 * A local Sentinel setup for tests: a master and one replica (startRedis,
 * the replica with --replicaof) and ONE sentinel (quorum 1) watching the
 * master as `brook`, all real redis-server processes on free loopback ports.
 * The sentinel runs as `redis-server <conf> --sentinel`; it rewrites its conf
 * file, so that lives in a temporary folder of its own.
 *
 *   const s = await startSentinel();   // { url, masterName, sentinelPort, master, replica, failover(), demoted(), stop() }
 *   await s.failover();                 // the replica is now the master
 *   await s.demoted();                  // and the old master its replica
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask, infoField, waitFor } from './admin.ts';
import { freePort, redisServerPath, startRedis, type RedisProcess } from './redis-server.ts';

export interface RedisSentinel {
  /** redis+sentinel://127.0.0.1:<sentinelPort>/brook */
  readonly url: string;
  readonly masterName: string;
  readonly sentinelPort: number;
  /** The first master; after failover() it is a replica. */
  readonly master: RedisProcess;
  /** The first replica; after failover() it is the master. */
  readonly replica: RedisProcess;
  /**
   * SENTINEL FAILOVER, then wait (bounded) until the sentinel reports the
   * replica as the master, the failover has ended (+switch-master is
   * published) and the replica says role:master. The old master is still
   * a master then: see demoted().
   */
  failover(): Promise<void>;
  /**
   * After failover(): wait (bounded) until the old master is a replica of
   * the new one. Sentinel leaves it a master for some 10 s after the switch
   * (it waits that long before reconfiguring it), then sends it REPLICAOF
   * and CLIENT KILL TYPE normal, cutting the clients still talking to it.
   */
  demoted(): Promise<void>;
  /** Stop all three processes and remove their folders. Idempotent. */
  stop(): Promise<void>;
}

const MASTER_NAME = 'brook';

/** A flat [k1, v1, k2, v2, ...] reply (SENTINEL REPLICAS) as an object. */
function pairs(flat: unknown): Record<string, string> {
  const a = flat as string[];
  return Object.fromEntries(Array.from({ length: a.length / 2 }, (_, i) => [a[2 * i], a[2 * i + 1]]));
}

interface SentinelProcess {
  port: number;
  stop(): Promise<void>;
}

/** Start `redis-server <conf> --sentinel` on a free port, monitoring 127.0.0.1:masterPort. */
async function spawnSentinel(masterPort: number): Promise<SentinelProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'brook-sentinel-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const conf = join(dir, 'sentinel.conf');
    await writeFile(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        'logfile ""',
        'loglevel warning',
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
        `sentinel failover-timeout ${MASTER_NAME} 5000`,
        '',
      ].join('\n'),
    );
    const child: ChildProcess = spawn(redisServerPath(), [conf, '--sentinel'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    };
    try {
      await waitFor(`the sentinel on port ${port}`, 5000, async () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output}`);
        return typeof (await ask(port, 'SENTINEL', 'MYID')) === 'string' || 'no sentinel id'; // a sentinel, not another server
      });
      let stopped: Promise<void> | undefined;
      return { port, stop: () => (stopped ??= stop().then(() => rm(dir, { recursive: true, force: true }))) };
    } catch (e) {
      await stop();
      if (attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw new Error(`sentinel did not start: ${(e as Error).message}\n${output}`);
      }
    }
  }
}

export async function startSentinel(): Promise<RedisSentinel> {
  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAll = () => Promise.all(started.map((p) => p.stop())).then(() => {});
  try {
    // No 5 s wait before the first full sync (repl-diskless-sync-delay).
    const master = await startRedis({ args: ['--repl-diskless-sync-delay', '0'] });
    started.push(master);
    const replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port), '--repl-diskless-sync-delay', '0'] });
    started.push(replica);
    await waitFor('the replica to sync', 10_000, async () => {
      const s = infoField(await ask(replica.port, 'INFO', 'replication'), 'master_link_status');
      return s === 'up' || `master_link_status:${s}`;
    });
    const sentinel = await spawnSentinel(master.port);
    started.push(sentinel);
    // The sentinel finds the replica in the master's INFO, then must reach it itself (a failover needs that).
    await waitFor('the sentinel to know the replica', 15_000, async () => {
      const rs = ((await ask(sentinel.port, 'SENTINEL', 'REPLICAS', MASTER_NAME)) as unknown[]).map(pairs);
      const r = rs.find((x) => x.port === String(replica.port));
      return (r?.flags === 'slave' && r['master-link-status'] === 'ok') || `replicas: ${JSON.stringify(rs.map((x) => [x.port, x.flags]))}`;
    });

    let stopped: Promise<void> | undefined;
    return {
      url: `redis+sentinel://127.0.0.1:${sentinel.port}/${MASTER_NAME}`,
      masterName: MASTER_NAME,
      sentinelPort: sentinel.port,
      master,
      replica,
      async failover() {
        await ask(sentinel.port, 'SENTINEL', 'FAILOVER', MASTER_NAME);
        await waitFor('the sentinel to name the replica as master', 15_000, async () => {
          const addr = (await ask(sentinel.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[];
          return addr?.[1] === String(replica.port) || `master at ${addr}`;
        });
        // GET-MASTER-ADDR-BY-NAME names the promoted replica as soon as it is promoted, before the
        // failover ends; SENTINEL MASTER's port changes at the end, when +switch-master is published.
        await waitFor('the failover to end (+switch-master)', 15_000, async () => {
          const m = pairs(await ask(sentinel.port, 'SENTINEL', 'MASTER', MASTER_NAME));
          return (m.port === String(replica.port) && !m.flags.includes('failover')) || `port ${m.port}, flags ${m.flags}`;
        });
        await waitFor('the replica to say role:master', 5000, async () => {
          const role = infoField(await ask(replica.port, 'INFO', 'replication'), 'role');
          return role === 'master' || `role:${role}`;
        });
      },
      async demoted() {
        await waitFor('the old master to become a replica of the new one', 30_000, async () => {
          const info = await ask(master.port, 'INFO', 'replication');
          const role = infoField(info, 'role');
          return (role === 'slave' && infoField(info, 'master_port') === String(replica.port)) || `role:${role}`;
        });
      },
      stop: () => (stopped ??= stopAll()),
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/**
 * Start a real redis-server (Debian's package) on a free loopback port in a
 * temporary folder, for tests and benchmarks. Never a fixed port.
 *
 *   const redis = await startRedis();   // { port, url, dir, stop() }
 *   ...
 *   await redis.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisProcess {
  readonly port: number;
  readonly host: string;
  readonly url: string;
  readonly dir: string;
  readonly process: ChildProcess;
  /** Stop the server and remove its folder. Idempotent. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Extra redis-server arguments, e.g. ['--appendonly', 'yes']. */
  args?: string[];
  /** Keep the data folder (for restart tests). */
  dir?: string;
  /** Use this port (for restarts); default a free one. */
  port?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function redisServerPath(): string {
  return process.env.REDIS_SERVER ?? 'redis-server';
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisProcess> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'brook-redis-')));
  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? (await freePort());
    const child = spawn(
      redisServerPath(),
      [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--dir', dir,
        '--save', '',
        '--appendonly', 'no',
        '--daemonize', 'no',
        '--logfile', '',
        '--loglevel', 'warning',
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const ok = await waitForPort(port, child, 5000);
    if (ok) {
      let stopped: Promise<void> | undefined;
      return {
        port,
        host: '127.0.0.1',
        url: `redis://127.0.0.1:${port}`,
        dir,
        process: child,
        stop: () =>
          (stopped ??= (async () => {
            if (child.exitCode === null && child.signalCode === null) {
              const exited = new Promise((r) => child.once('exit', r));
              child.kill('SIGKILL');
              await exited;
            }
            if (ownDir) await rm(dir, { recursive: true, force: true });
          })()),
      };
    }
    child.kill('SIGKILL');
    if (attempt >= 3 || options.port !== undefined) {
      throw new Error(`redis-server did not start on port ${port}: ${output}`);
    }
  }
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.write('PING\r\n');
        sock.once('data', (d) => {
          sock.destroy();
          resolve(/^(\+PONG|-NOAUTH)/.test(d.toString())); // up, with or without a password
        });
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

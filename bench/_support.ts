/** Shared pieces for benchmarks: JSON-line output, redis-benchmark runs, helper processes. */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import type { Redis } from 'ioredis';

/** Print one result as a JSON line. */
export function report(fields: Record<string, unknown>): void {
  console.log(JSON.stringify(fields));
}

/** Run redis-benchmark for one command line; returns requests/s and p99 (ms) when printed. */
export function redisBenchmark(
  port: number,
  args: string[],
  opts: { pipeline: number; clients: number; requests: number },
): { rps: number; p99: number | null } {
  const r = spawnSync(
    'redis-benchmark',
    ['-p', String(port), '-P', String(opts.pipeline), '-c', String(opts.clients), '-n', String(opts.requests), '--csv', ...args],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  // CSV: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const lines = r.stdout.trim().split('\n').filter((l) => !l.startsWith('"test"'));
  const cells = lines[lines.length - 1].split(',').map((c) => c.replace(/"/g, ''));
  return { rps: Number(cells[1]), p99: cells.length > 6 ? Number(cells[6]) : null };
}

export function opsPerSec(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}

/** Resolve when `c` emits `started` (its group and reading connection are set up). */
export function untilStarted(c: { events: { on(listener: (e: { type: string }) => void): () => void } }): Promise<void> {
  return new Promise((resolve) => {
    const off = c.events.on((e) => {
      if (e.type !== 'started') return;
      off();
      resolve();
    });
  });
}

/**
 * Fork `module` (through tsx) with `env` added, and resolve once it sends
 * its first IPC message (it listens); reject if it exits first.
 */
export async function forkReady(module: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = fork(module, { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env } });
  await new Promise<void>((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`${module} exited with ${code} before it was ready`));
    child.once('exit', exited);
    child.once('message', () => {
      child.off('exit', exited);
      resolve();
    });
  });
  return child;
}

/**
 * One step of the hand-written anchor loop: XREADGROUP COUNT 100 (BLOCK
 * 100) as `consumer` of group g, decode each payload (the work a handler
 * would need), XACK the batch. How many it handled (0 when the read timed out).
 */
export async function loopStep(r: Redis, stream: string, consumer: string): Promise<number> {
  const res = (await r.xreadgroup('GROUP', 'g', consumer, 'COUNT', 100, 'BLOCK', 100, 'STREAMS', stream, '>')) as Array<[string, Array<[string, string[]]>]> | null;
  if (!res) return 0;
  const ids = res[0][1].map(([id, fields]) => {
    JSON.parse(fields[1]);
    return id;
  });
  await r.xack(stream, 'g', ...ids);
  return ids.length;
}

/**
 * The queue end to end (produce -> handler -> ack) on a real redis-server,
 * against, in the same run: a hand-written ioredis XREADGROUP/XACK loop and
 * BullMQ (addBulk + a no-op Worker); also brook on the embedded backend.
 * Each with one consumer in this process and with 4 consumer processes
 * (bench/_queue-worker.ts, kept for all the runs of a kind). Every figure is the median of 3 runs after a
 * warm-up run, so JIT warm-up does not decide the ratio. Latency at a steady
 * rate is bench/queue-latency.ts (a process of its own: the heap this
 * bench's bursts leave behind would weigh on it).
 *
 *   node --import tsx bench/queue.ts        (BENCH_SCALE scales the counts)
 *
 * Targets (issue 4): >= 0.7x the hand-written loop, >= 5x BullMQ.
 *
 * BullMQ is not a dependency (its lock entries name platform binaries this
 * project's registry lacks, which breaks `npm ci`): install it for the run
 * with `npm i --no-save bullmq`; without it the BullMQ figure is reported as
 * missing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { connect, type Connection } from '../src/client/index.ts';
import { Consumer, Producer, topic } from '../src/queue/index.ts';
import { startRedis } from '../test/support/redis-server.ts';
import { opsPerSec, ratio, report, untilStarted } from './_support.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.round(50_000 * SCALE);
const payload = { orderId: 1, item: 'x'.repeat(80) };

async function brookRun(conn: Connection, name: string, n: number): Promise<number> {
  const t = topic({ name });
  const producer = new Producer(t, { connection: conn });
  const c = new Consumer(t, { connection: conn, group: 'g', concurrency: 100, blockMs: 100 });
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  // The clock starts once the consumer is set up, as the anchors' do.
  const started = untilStarted(c);
  const running = c.run(async () => {
    if (++handled === n) done();
  });
  await started;
  const start = performance.now();
  await produceBrook(producer, n);
  await finished;
  const ms = performance.now() - start;
  await c.stop();
  await running;
  return ms;
}

async function produceBrook(producer: Producer<unknown>, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1000) await producer.sendBatch(Array.from({ length: Math.min(1000, n - i) }, () => ({ payload })));
}

async function produceLoop(r: Redis, stream: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1000) {
    const p = r.pipeline();
    for (let k = 0; k < Math.min(1000, n - i); k++) p.xadd(stream, '*', 'data', JSON.stringify(payload));
    await p.exec();
  }
}

async function ioredisLoop(url: string, stream: string, n: number): Promise<number> {
  const r = new Redis(url);
  const reader = new Redis(url);
  await r.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
  await reader.ping(); // the reader's connection is open before the clock starts
  const start = performance.now();
  const consume = (async () => {
    let handled = 0;
    while (handled < n) {
      const res = (await reader.xreadgroup('GROUP', 'g', 'c', 'COUNT', 100, 'BLOCK', 100, 'STREAMS', stream, '>')) as Array<[string, Array<[string, string[]]>]> | null;
      if (!res) continue;
      const ids = res[0][1].map(([id, fields]) => {
        JSON.parse(fields[1]); // the same decode work a handler would need
        return id;
      });
      await reader.xack(stream, 'g', ...ids);
      handled += ids.length;
    }
  })();
  await produceLoop(r, stream, n);
  await consume;
  const ms = performance.now() - start;
  r.disconnect();
  reader.disconnect();
  return ms;
}

type BullMQ = { Queue: any; Worker: any };
async function loadBullMQ(): Promise<BullMQ | null> {
  try {
    return (await import('bullmq' as string)) as BullMQ;
  } catch {
    return null;
  }
}

async function bullmqAdd(mod: BullMQ, port: number, name: string, n: number): Promise<void> {
  const q = new mod.Queue(name, { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null } });
  for (let i = 0; i < n; i += 1000) {
    await q.addBulk(Array.from({ length: Math.min(1000, n - i) }, () => ({ name: 'job', data: payload, opts: { removeOnComplete: true } })));
  }
  await q.close();
}

async function bullmqRun(mod: BullMQ, port: number, name: string, n: number): Promise<number> {
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const w = new mod.Worker(name, async () => {
    if (++handled === n) done();
  }, { connection, concurrency: 100 });
  await w.waitUntilReady();
  const start = performance.now();
  await bullmqAdd(mod, port, name, n);
  await finished;
  const ms = performance.now() - start;
  await w.close();
  return ms;
}

/**
 * 4 consumer processes of one kind (bench/_queue-worker.ts), started once
 * and kept for all that kind's runs, warm-up included: the figure is for
 * consumers that have run for a while, not for processes still compiling
 * their code (a fresh process per run made brook's per-message CPU look
 * half as large again, and more for the shorter runs).
 */
class Workers {
  private readonly counts = [0, 0, 0, 0];
  private ready = 0;
  private stopped = 0;
  private onChange = (): void => {};

  private constructor(private readonly children: ChildProcess[]) {
    children.forEach((child, i) =>
      child.on('message', (m: { ready?: boolean; handled?: number; stopped?: number }) => {
        if (m.ready) this.ready++;
        if (m.handled !== undefined) this.counts[i] = m.handled;
        if (m.stopped !== undefined) this.stopped++;
        this.onChange();
      }),
    );
  }

  static start(kind: 'brook' | 'loop' | 'bullmq', url: string): Workers {
    return new Workers(
      [0, 1, 2, 3].map(() => fork('bench/_queue-worker.ts', { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_KIND: kind, BENCH_URL: url } })),
    );
  }

  private until(cond: () => boolean): Promise<void> {
    return new Promise<void>((r) => {
      this.onChange = () => cond() && r();
      this.onChange();
    });
  }

  /** Start all four on `name`, wait until each reads, then time `produce` until their handled counts add up to n. */
  async run(name: string, n: number, produce: () => Promise<void>): Promise<number> {
    this.counts.fill(0);
    this.ready = this.stopped = 0;
    for (const c of this.children) c.send({ start: name });
    await this.until(() => this.ready === 4);
    const start = performance.now();
    await produce();
    await this.until(() => this.counts.reduce((a, b) => a + b, 0) >= n);
    const ms = performance.now() - start;
    for (const c of this.children) c.send({ stop: true });
    await this.until(() => this.stopped === 4);
    return ms;
  }

  async close(): Promise<void> {
    await Promise.all(this.children.map((c) => new Promise((r) => (c.once('exit', r), c.disconnect()))));
  }
}

/** `use` with 4 worker processes of `kind`, closed after. */
async function withWorkers<R>(kind: 'brook' | 'loop' | 'bullmq', use: (w: Workers) => Promise<R>): Promise<R> {
  const w = Workers.start(kind, redis.url);
  try {
    return await use(w);
  } finally {
    await w.close();
  }
}

/** Median of 3 runs after one warm-up run (at a quarter of n). */
async function median(run: (name: string, n: number) => Promise<number>, prefix: string): Promise<number> {
  await run(`${prefix}-warm`, Math.max(1000, Math.round(N / 4)));
  const ms: number[] = [];
  for (let i = 0; i < 3; i++) ms.push(await run(`${prefix}-${i}`, N));
  return ms.sort((a, b) => a - b)[1];
}

const redis = await startRedis();
try {
  const conn = await connect(redis.url);
  const embedded = await connect('brook://memory');
  await throughput(conn, embedded);
  await conn.close();
  await embedded.close();
} finally {
  await redis.stop();
}

async function throughput(conn: Connection, embedded: Connection): Promise<void> {
  const bull = await loadBullMQ();
  const missing = { bullmq: 'not installed (npm i --no-save bullmq)' };
  const loopMs = await median((name, n) => ioredisLoop(redis.url, name, n), 'loop');
  const brookMs = await median((name, n) => brookRun(conn, name, n), 'e2e');
  const bullMs = bull && (await median((name, n) => bullmqRun(bull, redis.port, name, n), 'bull'));
  report({
    bench: 'queue', backend: 'redis-server', kind: 'end-to-end-1-consumer', n: N,
    brook_ops: opsPerSec(N, brookMs), loop_ops: opsPerSec(N, loopMs), vs_loop: ratio(loopMs, brookMs),
    ...(bullMs === null ? missing : { bullmq_ops: opsPerSec(N, bullMs), vs_bullmq: ratio(bullMs, brookMs) }),
    targets: { vs_loop: 0.7, vs_bullmq: 5 },
  });

  const admin = new Redis(redis.url);
  const loop4 = await withWorkers('loop', (w) =>
    median(async (name, n) => {
      await admin.xgroup('CREATE', name, 'g', '$', 'MKSTREAM');
      return w.run(name, n, () => produceLoop(admin, name, n));
    }, 'loop4'),
  );
  const brook4 = await withWorkers('brook', (w) =>
    median(async (name, n) => {
      const t = topic({ name });
      await conn.send(['XGROUP', 'CREATE', t.stream(0), 'g', '$', 'MKSTREAM']);
      return w.run(name, n, () => produceBrook(new Producer(t, { connection: conn }), n));
    }, 'brook4'),
  );
  const bull4 = bull && (await withWorkers('bullmq', (w) => median((name, n) => w.run(name, n, () => bullmqAdd(bull, redis.port, name, n)), 'bull4')));
  admin.disconnect();
  report({
    bench: 'queue', backend: 'redis-server', kind: 'end-to-end-4-consumer-processes', n: N,
    brook_ops: opsPerSec(N, brook4), loop_ops: opsPerSec(N, loop4), vs_loop: ratio(loop4, brook4),
    ...(bull4 === null ? missing : { bullmq_ops: opsPerSec(N, bull4), vs_bullmq: ratio(bull4, brook4) }),
    targets: { vs_loop: 0.7, vs_bullmq: 5 },
  });

  const embMs = await median((name, n) => brookRun(embedded, name, n), 'e2e');
  report({ bench: 'queue', backend: 'embedded', kind: 'end-to-end-1-consumer', n: N, brook_ops: opsPerSec(N, embMs), vs_redis_loop: ratio(loopMs, embMs) });
}

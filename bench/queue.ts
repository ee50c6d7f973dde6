/**
 * The queue end to end (produce -> handler -> ack) on a real redis-server,
 * against, in the same run: a hand-written ioredis XREADGROUP/XACK loop and
 * BullMQ (addBulk + a no-op Worker); also brook on the embedded backend.
 * Then produce -> handler latency at 5,000 msg/s (p50/p99).
 *
 *   node --import tsx bench/queue.ts        (BENCH_SCALE scales the counts)
 *
 * Targets (issue 4): >= 0.7x the hand-written loop, >= 5x BullMQ, p99 <= 2 ms.
 *
 * BullMQ is not a dependency (its lock entries name platform binaries this
 * project's registry lacks, which breaks `npm ci`): install it for the run
 * with `npm i --no-save bullmq`; without it the BullMQ figure is reported as
 * missing.
 */
import { Redis } from 'ioredis';
import { connect, type Connection } from '../src/client/index.ts';
import { Consumer, Producer, topic } from '../src/queue/index.ts';
import { startRedis } from '../test/support/redis-server.ts';
import { opsPerSec, ratio, report } from './_support.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.round(50_000 * SCALE);
const payload = { orderId: 1, item: 'x'.repeat(80) };

async function brookRun(conn: Connection, name: string, concurrency: number): Promise<number> {
  const t = topic({ name });
  const producer = new Producer(t, { connection: conn });
  const c = new Consumer(t, { connection: conn, group: 'g', concurrency, blockMs: 100 });
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const start = performance.now();
  const running = c.run(async () => {
    if (++handled === N) done();
  });
  for (let i = 0; i < N; i += 1000) await producer.sendBatch(Array.from({ length: Math.min(1000, N - i) }, () => ({ payload })));
  await finished;
  const ms = performance.now() - start;
  await c.stop();
  await running;
  return ms;
}

async function ioredisLoop(url: string): Promise<number> {
  const r = new Redis(url);
  const reader = new Redis(url);
  await r.xgroup('CREATE', 'loop', 'g', '$', 'MKSTREAM');
  const start = performance.now();
  const consume = (async () => {
    let handled = 0;
    while (handled < N) {
      const res = (await reader.xreadgroup('GROUP', 'g', 'c', 'COUNT', 100, 'BLOCK', 100, 'STREAMS', 'loop', '>')) as Array<[string, Array<[string, string[]]>]> | null;
      if (!res) continue;
      const ids = res[0][1].map(([id, fields]) => {
        JSON.parse(fields[1]); // the same decode work a handler would need
        return id;
      });
      await reader.xack('loop', 'g', ...ids);
      handled += ids.length;
    }
  })();
  for (let i = 0; i < N; i += 1000) {
    const p = r.pipeline();
    for (let k = 0; k < Math.min(1000, N - i); k++) p.xadd('loop', '*', 'data', JSON.stringify(payload));
    await p.exec();
  }
  await consume;
  const ms = performance.now() - start;
  r.disconnect();
  reader.disconnect();
  return ms;
}

async function bullmq(port: number): Promise<number | null> {
  let mod: { Queue: any; Worker: any };
  try {
    mod = (await import('bullmq' as string)) as { Queue: any; Worker: any };
  } catch {
    return null;
  }
  const { Queue, Worker } = mod;
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const q = new Queue('bench', { connection });
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const start = performance.now();
  const w = new Worker('bench', async () => {
    if (++handled === N) done();
  }, { connection, concurrency: 100 });
  for (let i = 0; i < N; i += 1000) {
    await q.addBulk(Array.from({ length: Math.min(1000, N - i) }, () => ({ name: 'job', data: payload, opts: { removeOnComplete: true } })));
  }
  await finished;
  const ms = performance.now() - start;
  await w.close();
  await q.close();
  return ms;
}

async function latency(conn: Connection): Promise<{ p50: number; p99: number; n: number }> {
  const t = topic<{ at: number }>({ name: 'latency' });
  const producer = new Producer(t, { connection: conn });
  const c = new Consumer(t, { connection: conn, group: 'g', concurrency: 16, blockMs: 100, startId: '$' });
  const lat: number[] = [];
  const running = c.run(async (m) => void lat.push(performance.timeOrigin + performance.now() - m.payload.at));
  await new Promise((r) => setTimeout(r, 200));
  const rate = 5000;
  const total = Math.round(10_000 * SCALE);
  const start = performance.now();
  for (let i = 0; i < total; i += 50) {
    // 50 messages every 10 ms = 5,000 msg/s, each sent on its own (not batched).
    const due = start + (i / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await Promise.all(Array.from({ length: 50 }, () => producer.send({ at: performance.timeOrigin + performance.now() })));
  }
  while (lat.length < total) await new Promise((r) => setTimeout(r, 10));
  await c.stop();
  await running;
  lat.sort((a, b) => a - b);
  const q = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] * 100) / 100;
  return { p50: q(0.5), p99: q(0.99), n: lat.length };
}

const redis = await startRedis();
try {
  const conn = await connect(redis.url);
  const loopMs = await ioredisLoop(redis.url);
  const brookMs = await brookRun(conn, 'e2e', 100);
  const bullMs = await bullmq(redis.port);
  report({
    bench: 'queue', backend: 'redis-server', kind: 'end-to-end-1-consumer', n: N,
    brook_ops: opsPerSec(N, brookMs), loop_ops: opsPerSec(N, loopMs), vs_loop: ratio(loopMs, brookMs),
    ...(bullMs === null ? { bullmq: 'not installed (npm i --no-save bullmq)' } : { bullmq_ops: opsPerSec(N, bullMs), vs_bullmq: ratio(bullMs, brookMs) }),
    targets: { vs_loop: 0.7, vs_bullmq: 5 },
  });
  const lat = await latency(conn);
  report({ bench: 'queue', backend: 'redis-server', kind: 'latency-at-5000-per-s', ...lat, unit: 'ms', target_p99: 2 });
  await conn.close();
  const embedded = await connect('brook://memory');
  const embMs = await brookRun(embedded, 'e2e', 100);
  report({ bench: 'queue', backend: 'embedded', kind: 'end-to-end-1-consumer', n: N, brook_ops: opsPerSec(N, embMs), vs_redis_loop: ratio(loopMs, embMs) });
  const elat = await latency(embedded);
  report({ bench: 'queue', backend: 'embedded', kind: 'latency-at-5000-per-s', ...elat, unit: 'ms' });
  await embedded.close();
} finally {
  await redis.stop();
}

/**
 * Engine stream benchmarks, each figure against an anchor measured in the
 * same run on a real redis-server:
 *   xadd       in-process XADD vs redis-benchmark -P 64 XADD and an ioredis pipeline
 *   xrange     in-process XRANGE COUNT 100 vs redis-benchmark -P 64 of the same
 *   readgroup  in-process XREADGROUP COUNT 100 + XACK vs the same loop over ioredis
 *   memory     bytes per entry for 1M entries of ~100 bytes vs Redis's used_memory
 * BENCH_SCALE (default 1) scales the counts.
 */
import { Redis } from 'ioredis';
import { Engine } from '../src/engine/engine.ts';
import type { Reply } from '../src/engine/reply.ts';
import { startRedis } from '../test/support/redis-server.ts';
import { opsPerSec, ratio, redisBenchmark, report } from './_support.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.round(1_000_000 * SCALE);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function sync(r: Reply | Promise<Reply>): Reply {
  if (r instanceof Promise) throw new Error('unexpected block');
  return r;
}

const redis = await startRedis();
const io = new Redis(redis.port, '127.0.0.1');
try {
  // --- XADD -----------------------------------------------------------------
  const rb = redisBenchmark(redis.port, ['XADD', 'rb', '*', 'f', 'v'], { pipeline: 64, clients: 50, requests: N });
  let t0 = performance.now();
  const ioN = Math.round(200_000 * SCALE);
  for (let i = 0; i < ioN; i += 1000) {
    const p = io.pipeline();
    for (let j = 0; j < 1000; j++) p.xadd('io', '*', 'f', 'v');
    await p.exec();
  }
  const ioRate = opsPerSec(ioN, performance.now() - t0);
  const engine = new Engine({ activeExpire: false });
  const s = engine.createSession();
  // Warm up the JIT, then measure.
  for (let i = 0; i < 50_000; i++) s.call(['XADD', 'warm', '*', 'f', 'v']);
  t0 = performance.now();
  for (let i = 0; i < N; i++) s.call(['XADD', 'e', '*', 'f', 'v']);
  const engRate = opsPerSec(N, performance.now() - t0);
  report({ bench: 'engine.xadd', engine_ops_s: engRate, redis_benchmark_P64_ops_s: rb.rps, ioredis_pipeline_ops_s: ioRate,
    ratio_vs_redis_benchmark: ratio(engRate, rb.rps), ratio_vs_ioredis_pipeline: ratio(engRate, ioRate), target: '>= 3x redis_benchmark_P64' });

  // --- XRANGE COUNT 100 -----------------------------------------------------
  const rr = redisBenchmark(redis.port, ['XRANGE', 'rb', '-', '+', 'COUNT', '100'], { pipeline: 64, clients: 50, requests: Math.round(200_000 * SCALE) });
  const rangeN = Math.round(200_000 * SCALE);
  t0 = performance.now();
  for (let i = 0; i < rangeN; i++) s.call(['XRANGE', 'e', '-', '+', 'COUNT', '100']);
  const rangeRate = opsPerSec(rangeN, performance.now() - t0);
  report({ bench: 'engine.xrange_count100', engine_ops_s: rangeRate, redis_benchmark_P64_ops_s: rr.rps, ratio: ratio(rangeRate, rr.rps) });

  // --- XREADGROUP COUNT 100 + XACK ----------------------------------------------
  const M = Math.round(200_000 * SCALE);
  for (let i = 0; i < M; i += 1000) {
    const p = io.pipeline();
    for (let j = 0; j < 1000; j++) p.xadd('q', '*', 'f', 'v');
    await p.exec();
  }
  await io.xgroup('CREATE', 'q', 'g', '0');
  t0 = performance.now();
  let got = 0;
  for (;;) {
    const r = (await io.xreadgroup('GROUP', 'g', 'c', 'COUNT', 100, 'STREAMS', 'q', '>')) as [string, [string, string[]][]][] | null;
    if (r === null || r[0][1].length === 0) break;
    const ids = r[0][1].map((e) => e[0]);
    await io.xack('q', 'g', ...ids);
    got += ids.length;
  }
  const ioGroupRate = opsPerSec(got, performance.now() - t0);
  for (let i = 0; i < M; i++) s.call(['XADD', 'q', '*', 'f', 'v']);
  s.call(['XGROUP', 'CREATE', 'q', 'g', '0']);
  t0 = performance.now();
  let egot = 0;
  for (;;) {
    const r = sync(s.call(['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '100', 'STREAMS', 'q', '>'])) as { entries: Reply[] } | symbol;
    if (typeof r === 'symbol') break;
    const entries = r.entries[1] as Reply[][];
    s.call(['XACK', 'q', 'g', ...entries.map((e) => e[0] as string)]);
    egot += entries.length;
  }
  const engGroupRate = opsPerSec(egot, performance.now() - t0);
  report({ bench: 'engine.xreadgroup100_xack', engine_msgs_s: engGroupRate, ioredis_loop_msgs_s: ioGroupRate, ratio: ratio(engGroupRate, ioGroupRate) });
  engine.close();

  // --- memory per entry: 1M entries of ~100 bytes ----------------------------------
  await io.flushall();
  const payload = (i: number) => `order-${i}-` + 'x'.repeat(80) + String(i % 997).padStart(4, '0');
  const before = Number(/used_memory:(\d+)/.exec(await io.info('memory'))![1]);
  for (let i = 0; i < N; i += 2000) {
    const p = io.pipeline();
    for (let j = i; j < i + 2000 && j < N; j++) p.xadd('mem', `${j + 1}-0`, 'payload', payload(j));
    await p.exec();
  }
  const afterR = Number(/used_memory:(\d+)/.exec(await io.info('memory'))![1]);
  const redisPer = (afterR - before) / N;
  gc();
  const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const e2 = new Engine({ activeExpire: false });
  const s2 = e2.createSession();
  for (let j = 0; j < N; j++) s2.call(['XADD', 'mem', `${j + 1}-0`, 'payload', payload(j)]);
  gc();
  const heap1 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const enginePer = (heap1 - heap0) / N;
  report({ bench: 'engine.memory_per_entry', entries: N, entry_bytes: payload(0).length + 'payload'.length,
    engine_bytes_per_entry: Math.round(enginePer), redis_bytes_per_entry: Math.round(redisPer), ratio: ratio(enginePer, redisPer), target: '<= 1.5x' });
  e2.close();
} finally {
  io.disconnect();
  await redis.stop();
}

/**
 * brook server vs redis-server, same machine, same run: redis-benchmark
 * with 50 clients, -P 1 and -P 16, for PING, SET, GET, LPUSH and XADD.
 * Each line gives both throughputs, the ratio and both p99 latencies.
 *
 * BENCH_SCALE (default 1) scales the request counts. BENCH_RUNS (default 1)
 * repeats each pair of runs (redis-server, then brook server) and reports
 * the medians: on a small machine redis-benchmark competes with the server
 * for CPU, so single runs vary. BENCH_PIPELINE=16 (or 1) runs one depth only;
 * BENCH_TESTS=SET,GET a subset (SET still runs before GET when both do).
 */
import { startBrookChild } from '../test/support/brook-server.ts';
import { startRedis } from '../test/support/redis-server.ts';
import { ratio, redisBenchmark, report } from './_support.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
const PIPELINES = process.env.BENCH_PIPELINE ? [Number(process.env.BENCH_PIPELINE)] : [1, 16];
const ONLY = process.env.BENCH_TESTS?.toUpperCase().split(',');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return Math.round((s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2) * 1000) / 1000;
};

const redis = await startRedis();
const brook = await startBrookChild();
try {
  const tests: Array<{ name: string; args: string[] }> = [
    { name: 'PING', args: ['PING'] },
    { name: 'SET', args: ['SET', 'key:__rand_int__', 'xxx'] },
    { name: 'GET', args: ['GET', 'key:__rand_int__'] },
    { name: 'LPUSH', args: ['LPUSH', 'mylist', 'xxx'] },
    { name: 'XADD', args: ['XADD', 'mystream', '*', 'f', 'v'] },
  ].filter((t) => ONLY === undefined || ONLY.includes(t.name));
  for (const pipeline of PIPELINES) {
    for (const t of tests) {
      const n = Math.round((pipeline === 1 ? 100_000 : 400_000) * SCALE);
      const opts = { pipeline, clients: 50, requests: n };
      const r: Array<{ rps: number; p99: number | null }> = [];
      const b: typeof r = [];
      for (let i = 0; i < RUNS; i++) {
        r.push(redisBenchmark(redis.port, ['-r', '100000', ...t.args], opts));
        b.push(redisBenchmark(brook.port, ['-r', '100000', ...t.args], opts));
      }
      const p99 = (xs: typeof r) => (xs.every((x) => x.p99 !== null) ? median(xs.map((x) => x.p99!)) : null);
      const brookRps = median(b.map((x) => x.rps));
      const redisRps = median(r.map((x) => x.rps));
      report({
        bench: `server.${t.name.toLowerCase()}`, pipeline, clients: 50, runs: RUNS,
        brook_rps: brookRps, redis_rps: redisRps, ratio: ratio(brookRps, redisRps),
        brook_p99_ms: p99(b), redis_p99_ms: p99(r), target: pipeline === 16 ? '>= 0.5x' : undefined,
      });
    }
  }
} finally {
  await brook.kill('SIGKILL');
  await redis.stop();
}

/**
 * brook server vs redis-server, same machine, same run: redis-benchmark
 * with 50 clients, -P 1 and -P 16, for PING, SET, GET, LPUSH and XADD.
 * Each line gives both throughputs, the ratio and both p99 latencies.
 * BENCH_SCALE (default 1) scales the request counts.
 */
import { startBrookChild } from '../test/support/brook-server.ts';
import { startRedis } from '../test/support/redis-server.ts';
import { ratio, redisBenchmark, report } from './_support.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const redis = await startRedis();
const brook = await startBrookChild();
try {
  const tests: Array<{ name: string; args: string[] }> = [
    { name: 'PING', args: ['PING'] },
    { name: 'SET', args: ['SET', 'key:__rand_int__', 'xxx'] },
    { name: 'GET', args: ['GET', 'key:__rand_int__'] },
    { name: 'LPUSH', args: ['LPUSH', 'mylist', 'xxx'] },
    { name: 'XADD', args: ['XADD', 'mystream', '*', 'f', 'v'] },
  ];
  for (const pipeline of [1, 16]) {
    for (const t of tests) {
      const n = Math.round((pipeline === 1 ? 100_000 : 400_000) * SCALE);
      const opts = { pipeline, clients: 50, requests: n };
      const r = redisBenchmark(redis.port, ['-r', '100000', ...t.args], opts);
      const b = redisBenchmark(brook.port, ['-r', '100000', ...t.args], opts);
      report({
        bench: `server.${t.name.toLowerCase()}`, pipeline, clients: 50,
        brook_rps: b.rps, redis_rps: r.rps, ratio: ratio(b.rps, r.rps),
        brook_p99_ms: b.p99, redis_p99_ms: r.p99, target: pipeline === 16 ? '>= 0.5x' : undefined,
      });
    }
  }
} finally {
  await brook.kill('SIGKILL');
  await redis.stop();
}

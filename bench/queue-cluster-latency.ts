/**
 * Produce -> handler latency of a shared-mode consumer on a topic of 4
 * partitions on a local 3-master Redis Cluster, where one XREADGROUP cannot
 * span the partitions' slots (src/queue/slot-reads.ts: a blocking read per
 * partition, all out at once), against its anchor measured in the same
 * run: the same consumer and topic on a single redis-server, where one
 * XREADGROUP blocks on every partition. At 20 msg/s (the messages
 * round-robin over the partitions) the consumer is waiting in its blocking
 * reads when each message comes, which is what this measures (reading the
 * partitions in turn, 100 ms each, made a message wait for the read on
 * another partition to time out); at 2,000 msg/s most messages are found
 * by the reads that do not block. Medians of BENCH_LATENCY_ROUNDS rounds
 * (default 3) of 5 s each, after a warm-up round; the two backends
 * alternate.
 *
 *   node --import tsx bench/queue-cluster-latency.ts   (BENCH_SCALE scales each round;
 *                                                     BENCH_RATES=20,2000 the rates)
 */
import { connect, type Connection } from '../src/client/index.ts';
import { Consumer, Producer, topic } from '../src/queue/index.ts';
import { startCluster } from '../test/support/redis-cluster.ts';
import { startRedis } from '../test/support/redis-server.ts';
import { steadySends } from './_steady-producer.ts';
import { ratio, report, untilStarted } from './_support.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROUNDS = Math.max(1, Number(process.env.BENCH_LATENCY_ROUNDS ?? 3));
const PARTITIONS = 4;
const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** p50 and p99 (ms) of `seconds` at `rate` msg/s, sent without keys (round-robin over the partitions). */
async function latency(conn: Connection, name: string, rate: number, seconds: number): Promise<{ p50: number; p99: number }> {
  const t = topic<{ at: number }>({ name, partitions: PARTITIONS });
  const total = Math.round(rate * seconds);
  const lat = new Float64Array(total);
  let handled = 0;
  const c = new Consumer(t, { connection: conn, group: 'g', concurrency: 16, blockMs: 1000, startId: '$' });
  const started = untilStarted(c);
  const running = c.run((m) => {
    if (handled < total) lat[handled++] = (Number(process.hrtime.bigint() / 1000n) - m.payload.at) / 1000;
  });
  await started;
  await new Promise((r) => setTimeout(r, 200)); // its reads are out
  await steadySends(new Producer(t, { connection: conn }), rate, total);
  while (handled < total) await new Promise((r) => setTimeout(r, 10));
  await c.stop();
  await running;
  lat.sort();
  const q = (p: number) => Math.round(lat[Math.min(total - 1, Math.floor(total * p))] * 100) / 100;
  return { p50: q(0.5), p99: q(0.99) };
}

const [cluster, redis] = await Promise.all([startCluster(), startRedis()]);
try {
  const onCluster = await connect(cluster.url);
  const single = await connect(redis.url);
  for (const rate of (process.env.BENCH_RATES ?? "20,2000").split(",").map(Number)) {
    await latency(onCluster, `warm-${rate}`, rate, 2);
    await latency(single, `warm-${rate}`, rate, 2);
    const c: Array<{ p50: number; p99: number }> = [];
    const s: typeof c = [];
    for (let i = 0; i < ROUNDS; i++) {
      c.push(await latency(onCluster, `lat-${rate}-${i}`, rate, 5 * SCALE));
      s.push(await latency(single, `lat-${rate}-${i}`, rate, 5 * SCALE));
    }
    const p99 = mid(c.map((r) => r.p99));
    const singleP99 = mid(s.map((r) => r.p99));
    report({
      bench: 'queue', backend: 'redis-cluster-3-masters', kind: `latency-${PARTITIONS}-partitions-at-${rate}-per-s`, rounds: ROUNDS,
      p50: mid(c.map((r) => r.p50)), p99, p99_each: c.map((r) => r.p99),
      single_server_p50: mid(s.map((r) => r.p50)), single_server_p99: singleP99, single_server_p99_each: s.map((r) => r.p99),
      p99_vs_single_server: ratio(p99, singleP99), unit: 'ms',
    });
  }
  await onCluster.close();
  await single.close();
} finally {
  await Promise.all([cluster.stop(), redis.stop()]);
}

/**
 * A producer process for bench/queue.ts's latency run: sends BENCH_TOTAL
 * messages to topic BENCH_NAME on BENCH_URL at a steady BENCH_RATE per
 * second, each on its own (open loop: on schedule, whatever the replies do),
 * each carrying its send time on the monotonic clock that every process on
 * the machine shares (`process.hrtime`, in µs). Exits when all are sent.
 */
import { connect } from '../src/client/index.ts';
import { Producer, topic } from '../src/queue/index.ts';

const conn = await connect(process.env.BENCH_URL!);
const producer = new Producer(topic<{ at: number }>({ name: process.env.BENCH_NAME! }), { connection: conn });
const rate = Number(process.env.BENCH_RATE);
const total = Number(process.env.BENCH_TOTAL);
const sends: Promise<unknown>[] = [];
const start = performance.now();
for (let sent = 0; sent < total; ) {
  const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
  for (; sent < due; sent++) sends.push(producer.send({ at: Number(process.hrtime.bigint() / 1000n) }));
  await new Promise((r) => setTimeout(r, 1));
}
await Promise.all(sends);
await conn.close();

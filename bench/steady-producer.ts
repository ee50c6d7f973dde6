/**
 * A producer process for bench/queue.ts's latency run: sends BENCH_TOTAL
 * messages to topic BENCH_NAME on BENCH_URL at a steady BENCH_RATE per
 * second, each on its own (open loop: on schedule, whatever the replies do),
 * each carrying its send time on the monotonic clock that every process on
 * the machine shares (`process.hrtime`, in µs). Exits when all are sent.
 *
 * A long-running producer is what the figure describes, so the process
 * first sends BENCH_WARM_MS of the same load to a topic nobody reads
 * (`<BENCH_NAME>-warm`): the measured messages do not pay for the new
 * process's first compilations.
 */
import { connect } from '../src/client/index.ts';
import { Producer, topic } from '../src/queue/index.ts';

const conn = await connect(process.env.BENCH_URL!);
const name = process.env.BENCH_NAME!;
const rate = Number(process.env.BENCH_RATE);

async function steady(producer: Producer<{ at: number }>, total: number): Promise<void> {
  const sends: Promise<unknown>[] = [];
  const start = performance.now();
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) sends.push(producer.send({ at: Number(process.hrtime.bigint() / 1000n) }));
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(sends);
}

const warmMs = Number(process.env.BENCH_WARM_MS ?? 1000);
if (warmMs > 0) await steady(new Producer(topic<{ at: number }>({ name: `${name}-warm` }), { connection: conn }), Math.round((rate * warmMs) / 1000));
await steady(new Producer(topic<{ at: number }>({ name }), { connection: conn }), Number(process.env.BENCH_TOTAL));
await conn.close();

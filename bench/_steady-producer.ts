/**
 * A producer process for bench/queue-latency.ts: sends BENCH_TOTAL
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
import { pathToFileURL } from 'node:url';
import { connect } from '../src/client/index.ts';
import { Producer, topic } from '../src/queue/index.ts';

/**
 * Send `total` messages at `rate` per second, each on its own and on
 * schedule (open loop), each carrying its send time in µs. Sends are
 * counted, not kept: nothing per message stays alive for the garbage
 * collector. Resolves when every send has its reply.
 */
export async function steadySends(producer: Producer<{ at: number }>, rate: number, total: number): Promise<void> {
  let open = 0;
  let failed: unknown;
  const settled = () => void open--;
  const fail = (e: unknown) => {
    failed = e;
    open--;
  };
  const start = performance.now();
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) {
      open++;
      producer.send({ at: Number(process.hrtime.bigint() / 1000n) }).then(settled, fail);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  while (open > 0) await new Promise((r) => setTimeout(r, 1));
  if (failed !== undefined) throw failed;
}

// Run as a process (bench/queue-latency.ts spawns it); imported, it only lends steadySends.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const conn = await connect(process.env.BENCH_URL!);
  const name = process.env.BENCH_NAME!;
  const rate = Number(process.env.BENCH_RATE);
  const warmMs = Number(process.env.BENCH_WARM_MS ?? 1000);
  if (warmMs > 0) await steadySends(new Producer(topic<{ at: number }>({ name: `${name}-warm` }), { connection: conn }), rate, Math.round((rate * warmMs) / 1000));
  await steadySends(new Producer(topic<{ at: number }>({ name }), { connection: conn }), rate, Number(process.env.BENCH_TOTAL));
  await conn.close();
}

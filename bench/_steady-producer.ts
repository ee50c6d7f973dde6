/**
 * A producer process for bench/queue-latency.ts, kept for the whole bench
 * as a producer service would be: it connects to BENCH_URL, then for each
 * IPC request `{ name, rate, total }` sends `total` messages to topic `name`
 * at a steady `rate` per second, each on its own (open loop: on schedule,
 * whatever the replies do), each carrying its send time on the monotonic
 * clock that every process on the machine shares (`process.hrtime`, in
 * µs), and answers `{ done: name }` (or `{ error }`) once every send has
 * its reply. It closes and exits when the parent disconnects.
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

/** One request from the parent: send `total` messages to topic `name` at `rate` per second. */
export interface SendRequest {
  name: string;
  rate: number;
  total: number;
}

// Run as a process (bench/queue-latency.ts forks it); imported, it only lends steadySends.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const conn = await connect(process.env.BENCH_URL!);
  let queue = Promise.resolve();
  process.on('message', (m: SendRequest) => {
    queue = queue.then(() =>
      steadySends(new Producer(topic<{ at: number }>({ name: m.name }), { connection: conn }), m.rate, m.total).then(
        () => void process.send!({ done: m.name }),
        (e: unknown) => void process.send!({ error: String(e) }),
      ),
    );
  });
  process.once('disconnect', () => void queue.then(() => conn.close()));
  process.send!({ ready: true });
}

/**
 * One consumer process for bench/queue.ts's multi-process runs, kept for
 * all the runs of one kind (a warm-up run, then the measured ones), as a
 * consumer service runs for long. BENCH_KIND says what it runs on
 * BENCH_URL: 'brook' (a Consumer, group g), 'loop' (the hand-written
 * ioredis XREADGROUP/XACK loop) or 'bullmq' (a no-op Worker).
 *
 * Over IPC: it says `{ up: true }` once it listens; then `{ start: name }`
 * starts consuming topic, stream or queue `name` and answers `{ ready:
 * true }` once set up (brook: its `started`
 * event; the loop: its connection open, its first read following at once);
 * then `{ handled: n }` whenever the count changed (every 10 ms); `{ stop:
 * true }` stops and answers `{ stopped: n }`. The process exits when the
 * parent disconnects.
 */
import { Redis } from 'ioredis';
import { connect, type Connection } from '../src/client/index.ts';
import { Consumer, topic } from '../src/queue/index.ts';
import { loopStep, untilStarted } from './_support.ts';

const url = process.env.BENCH_URL!;
const kind = process.env.BENCH_KIND;
if (kind !== 'brook' && kind !== 'loop' && kind !== 'bullmq') throw new Error(`BENCH_KIND must be brook, loop or bullmq`);
const send = (m: object) => void process.send!(m);

let handled = 0;
let printed = 0;
const ticker = setInterval(() => {
  if (handled !== printed) send({ handled: (printed = handled) });
}, 10);

/** Start consuming `name`; resolves once set up, with a function that stops. */
async function start(name: string, conn: Connection | null, r: Redis | null): Promise<() => Promise<void>> {
  switch (kind) {
    case 'brook': {
      const c = new Consumer(topic({ name }), { connection: conn!, group: 'g', concurrency: 100, blockMs: 100, startId: '$' });
      const started = untilStarted(c);
      const running = c.run(() => void handled++);
      await started;
      return async () => {
        await c.stop();
        await running;
      };
    }
    case 'loop': {
      let stopping = false;
      const consumer = `c${process.pid}`;
      const running = (async () => {
        while (!stopping) handled += await loopStep(r!, name, consumer);
      })();
      return async () => {
        stopping = true;
        await running;
      };
    }
    default: {
      const { Worker } = (await import('bullmq' as string)) as { Worker: any };
      const u = new URL(url);
      const w = new Worker(name, async () => void handled++, { connection: { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null }, concurrency: 100 });
      await w.waitUntilReady();
      return () => w.close();
    }
  }
}

const conn = kind === 'brook' ? await connect(url) : null;
const r = kind === 'loop' ? new Redis(url) : null;
await r?.ping(); // open before `ready`; its first read follows at once
let stop: (() => Promise<void>) | null = null;
process.on('message', (m: { start?: string; stop?: boolean }) => {
  if (m.start !== undefined) {
    handled = printed = 0;
    void start(m.start, conn, r).then((s) => {
      stop = s;
      send({ ready: true });
    });
  } else if (m.stop && stop) {
    void stop().then(() => {
      stop = null;
      printed = handled; // the ticker sends no count after this: a late one would count toward the next run
      send({ stopped: handled });
    });
  }
});
send({ up: true });
process.once('disconnect', () => {
  clearInterval(ticker);
  void Promise.resolve(stop?.())
    .then(() => conn?.close())
    .then(() => r?.disconnect());
});

/**
 * One consumer process for bench/queue.ts's multi-process runs. BENCH_KIND
 * says what it runs on BENCH_URL: 'brook' (a Consumer of topic BENCH_NAME,
 * group g), 'loop' (the hand-written ioredis XREADGROUP/XACK loop on stream
 * BENCH_NAME) or 'bullmq' (a no-op Worker of queue BENCH_NAME). It prints
 * `ready` once it is set up (brook: its `started` event; the loop: its
 * connection open, its first read following at once), then its handled
 * count whenever it changed (every 10 ms), and stops on SIGTERM.
 */
import { Redis } from 'ioredis';
import { connect } from '../src/client/index.ts';
import { Consumer, topic } from '../src/queue/index.ts';
import { untilStarted } from './_support.ts';

const url = process.env.BENCH_URL!;
const name = process.env.BENCH_NAME!;
let handled = 0;
let printed = 0;
const ticker = setInterval(() => {
  if (handled !== printed) console.log((printed = handled));
}, 10);
let stop: () => Promise<void>;

switch (process.env.BENCH_KIND) {
  case 'brook': {
    const conn = await connect(url);
    const c = new Consumer(topic({ name }), { connection: conn, group: 'g', concurrency: 100, blockMs: 100, startId: '$' });
    const started = untilStarted(c);
    const running = c.run(() => void handled++);
    await started;
    stop = async () => {
      await c.stop();
      await running;
      await conn.close();
    };
    break;
  }
  case 'loop': {
    const r = new Redis(url);
    await r.ping(); // open before `ready`; its first read follows at once
    let stopping = false;
    const consumer = `c${process.pid}`;
    const running = (async () => {
      while (!stopping) {
        const res = (await r.xreadgroup('GROUP', 'g', consumer, 'COUNT', 100, 'BLOCK', 100, 'STREAMS', name, '>')) as Array<[string, Array<[string, string[]]>]> | null;
        if (!res) continue;
        const ids = res[0][1].map(([id, fields]) => {
          JSON.parse(fields[1]);
          return id;
        });
        await r.xack(name, 'g', ...ids);
        handled += ids.length;
      }
    })();
    stop = async () => {
      stopping = true;
      await running;
      r.disconnect();
    };
    break;
  }
  case 'bullmq': {
    const { Worker } = (await import('bullmq' as string)) as { Worker: any };
    const u = new URL(url);
    const w = new Worker(name, async () => void handled++, { connection: { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null }, concurrency: 100 });
    await w.waitUntilReady();
    stop = () => w.close();
    break;
  }
  default:
    throw new Error(`BENCH_KIND must be brook, loop or bullmq`);
}
console.log('ready');
process.on('SIGTERM', () => {
  void stop().then(() => {
    clearInterval(ticker);
    console.log(handled);
    process.exit(0);
  });
});

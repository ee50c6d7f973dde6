/**
 * The queue end to end (produce -> handler -> ack) on a real redis-server,
 * against, in the same run: a hand-written ioredis XREADGROUP/XACK loop and
 * BullMQ (addBulk + a no-op Worker); also brook on the embedded backend.
 * Each with one consumer in this process and with 4 consumer processes
 * (bench/_queue-worker.ts, kept for all the runs of a kind); and one
 * consumer draining a stored backlog (brook and the loop); and ordered mode
 * through a keyed backlog over 4 partitions, against a loop per partition
 * that reads, handles and acks one message at a time. Each side produces
 * its own way, in batches of 1,000: brook with Producer.sendBatch (on
 * Redis one script call per partition and 500 messages), the loop with an
 * ioredis pipeline of XADDs, BullMQ with addBulk; the drain runs time the
 * consumers alone. After a
 * warm-up run of each (JIT warm-up does not decide the ratio), the
 * contenders run in turn for BENCH_ROUNDS rounds (default 5): throughputs
 * from the median runs, each ratio the median of the rounds' ratios (and
 * each round's). Latency at a steady
 * rate is bench/queue-latency.ts (a process of its own: the heap this
 * bench's bursts leave behind would weigh on it).
 *
 *   node --import tsx bench/queue.ts        (BENCH_SCALE scales the counts)
 *
 * Targets (issue 4): >= 0.7x the hand-written loop, >= 5x BullMQ.
 *
 * BullMQ is not a dependency (its lock entries name platform binaries this
 * project's registry lacks, which breaks `npm ci`): install it for the run
 * with `npm i --no-save bullmq`; without it the BullMQ figure is reported as
 * missing.
 */
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { connect, type Connection } from '../src/client/index.ts';
import { Consumer, Producer, topic } from '../src/queue/index.ts';
import { startRedis } from '../test/support/redis-server.ts';
import { forkReady, loopStep, opsPerSec, ratio, report, untilStarted } from './_support.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.round(50_000 * SCALE);
const payload = { orderId: 1, item: 'x'.repeat(80) };

/**
 * brook end to end on `name`: the clock starts once the consumer is set up
 * (as the anchors' do) and stops when it has handled n messages. With
 * `backlog` the n messages are stored before the consumer starts (a
 * consumer catching up), and the clock runs from its start.
 */
async function brookRun(conn: Connection, name: string, n: number, backlog = false): Promise<number> {
  const t = topic({ name });
  const producer = new Producer(t, { connection: conn });
  if (backlog) {
    await conn.send(['XGROUP', 'CREATE', t.stream(0), 'g', '$', 'MKSTREAM']);
    await produceBrook(producer, n);
  }
  const c = new Consumer(t, { connection: conn, group: 'g', concurrency: 100, blockMs: 100 });
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const started = untilStarted(c);
  const start = performance.now();
  const running = c.run(async () => {
    if (++handled === n) done();
  });
  await started;
  const from = backlog ? start : performance.now();
  if (!backlog) await produceBrook(producer, n);
  await finished;
  const ms = performance.now() - from;
  await c.stop();
  await running;
  return ms;
}

async function produceBrook(producer: Producer<unknown>, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1000) await producer.sendBatch(Array.from({ length: Math.min(1000, n - i) }, () => ({ payload })));
}

async function produceLoop(r: Redis, stream: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1000) {
    const p = r.pipeline();
    for (let k = 0; k < Math.min(1000, n - i); k++) p.xadd(stream, '*', 'data', JSON.stringify(payload));
    await p.exec();
  }
}

/** The hand-written loop (loopStep) until n are handled. */
async function loopConsume(reader: Redis, stream: string, n: number): Promise<void> {
  for (let handled = 0; handled < n; ) handled += await loopStep(reader, stream, 'c');
}

/** The loop end to end on `stream` (with `backlog`, catching up on n stored messages), as brookRun. */
async function ioredisLoop(url: string, stream: string, n: number, backlog = false): Promise<number> {
  const r = new Redis(url);
  const reader = new Redis(url);
  await r.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
  if (backlog) await produceLoop(r, stream, n);
  await reader.ping(); // the reader's connection is open before the clock starts
  const start = performance.now();
  const consume = loopConsume(reader, stream, n);
  if (!backlog) await produceLoop(r, stream, n);
  await consume;
  const ms = performance.now() - start;
  r.disconnect();
  reader.disconnect();
  return ms;
}

/** Partitions of the ordered-mode runs, and the keys their messages carry. */
const ORDERED_PARTITIONS = 4;
const ORDERED_KEYS = 64;

/** n messages over the keys, stored in `name`'s partitions before a run starts. */
async function orderedBacklog(conn: Connection, name: string, n: number): Promise<void> {
  const producer = new Producer(topic({ name, partitions: ORDERED_PARTITIONS }), { connection: conn });
  for (let i = 0; i < n; i += 1000) {
    await producer.sendBatch(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ payload, key: `k${(i + k) % ORDERED_KEYS}` })));
  }
}

/** brook's ordered mode through an n-message keyed backlog: each partition leased, its messages one at a time. */
async function brookOrdered(conn: Connection, name: string, n: number): Promise<number> {
  await orderedBacklog(conn, name, n);
  const c = new Consumer(topic({ name, partitions: ORDERED_PARTITIONS }), { connection: conn, group: 'g', mode: 'ordered' });
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const start = performance.now();
  const running = c.run(async () => {
    if (++handled === n) done();
  });
  await finished;
  const ms = performance.now() - start;
  await c.stop();
  await running;
  return ms;
}

/**
 * The anchor for ordered mode: what per-key order takes by hand, one loop
 * per partition on its own connection, each reading one message at a time
 * (XREADGROUP COUNT 1), decoding it and acking it before the next, until
 * its partition is drained.
 */
async function orderedLoop(conn: Connection, name: string, n: number): Promise<number> {
  await orderedBacklog(conn, name, n);
  const t = topic({ name, partitions: ORDERED_PARTITIONS });
  const links = await Promise.all(Array.from({ length: ORDERED_PARTITIONS }, async (_, p) => {
    const r = new Redis(redis.url);
    await r.xgroup('CREATE', t.stream(p), 'g', '0');
    return r;
  }));
  const start = performance.now();
  let handled = 0;
  await Promise.all(links.map(async (r, p) => {
    const stream = t.stream(p);
    for (;;) {
      const res = (await r.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', stream, '>')) as Array<[string, Array<[string, string[]]>]> | null;
      const entry = res?.[0][1][0];
      if (entry === undefined) return;
      JSON.parse(entry[1][1]);
      await r.xack(stream, 'g', entry[0]);
      handled++;
    }
  }));
  const ms = performance.now() - start;
  for (const r of links) r.disconnect();
  if (handled !== n) throw new Error(`the ordered loop handled ${handled} of ${n}`);
  return ms;
}

type BullMQ = { Queue: any; Worker: any };
async function loadBullMQ(): Promise<BullMQ | null> {
  try {
    return (await import('bullmq' as string)) as BullMQ;
  } catch {
    return null;
  }
}

async function bullmqAdd(mod: BullMQ, port: number, name: string, n: number): Promise<void> {
  const q = new mod.Queue(name, { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null } });
  for (let i = 0; i < n; i += 1000) {
    await q.addBulk(Array.from({ length: Math.min(1000, n - i) }, () => ({ name: 'job', data: payload, opts: { removeOnComplete: true } })));
  }
  await q.close();
}

async function bullmqRun(mod: BullMQ, port: number, name: string, n: number): Promise<number> {
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const w = new mod.Worker(name, async () => {
    if (++handled === n) done();
  }, { connection, concurrency: 100 });
  await w.waitUntilReady();
  const start = performance.now();
  await bullmqAdd(mod, port, name, n);
  await finished;
  const ms = performance.now() - start;
  await w.close();
  return ms;
}

/**
 * 4 consumer processes of one kind (bench/_queue-worker.ts), started once
 * and kept for all that kind's runs, warm-up included: the figure is for
 * consumers that have run for a while, not for processes still compiling
 * their code (a fresh process per run made brook's per-message CPU look
 * half as large again, and more for the shorter runs).
 */
class Workers {
  private readonly counts = [0, 0, 0, 0];
  private ready = 0;
  private stopped = 0;
  private onChange = (): void => {};

  private constructor(private readonly children: ChildProcess[]) {
    children.forEach((child, i) =>
      child.on('message', (m: { ready?: boolean; handled?: number; stopped?: number }) => {
        if (m.ready) this.ready++;
        if (m.handled !== undefined) this.counts[i] = m.handled;
        if (m.stopped !== undefined) this.stopped++;
        this.onChange();
      }),
    );
  }

  /** Fork the four and wait until each listens (`{ up: true }`). */
  static async start(kind: 'brook' | 'loop' | 'bullmq', url: string): Promise<Workers> {
    return new Workers(await Promise.all([0, 1, 2, 3].map(() => forkReady('bench/_queue-worker.ts', { BENCH_KIND: kind, BENCH_URL: url }))));
  }

  private until(cond: () => boolean): Promise<void> {
    return new Promise<void>((r) => {
      this.onChange = () => cond() && r();
      this.onChange();
    });
  }

  /** Start all four on `name`, wait until each reads, then time `produce` until their handled counts add up to n. */
  async run(name: string, n: number, produce: () => Promise<void>): Promise<number> {
    this.counts.fill(0);
    this.ready = this.stopped = 0;
    for (const c of this.children) c.send({ start: name });
    await this.until(() => this.ready === 4);
    const start = performance.now();
    await produce();
    await this.until(() => this.counts.reduce((a, b) => a + b, 0) >= n);
    const ms = performance.now() - start;
    for (const c of this.children) c.send({ stop: true });
    await this.until(() => this.stopped === 4);
    return ms;
  }

  async close(): Promise<void> {
    await Promise.all(this.children.map((c) => new Promise((r) => (c.once('exit', r), c.disconnect()))));
  }
}

type Run = (name: string, n: number) => Promise<number>;

/** Measured rounds (BENCH_ROUNDS, default 5: single rounds of the 4-process runs range 0.5-1.1x the loop). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));

/**
 * Each contender's warm-up run (a quarter of n), then ROUNDS rounds in
 * which each contender runs once in turn, so that a stretch when the
 * machine is slower weighs on all of them alike. The milliseconds of each
 * contender's measured runs, in round order.
 */
async function rounds<K extends string>(runs: Record<K, Run | null>, prefix: string, n = N): Promise<Record<K, number[]>> {
  const entries = Object.entries(runs).filter((e): e is [K, Run] => e[1] !== null);
  for (const [k, run] of entries) await run(`${prefix}-${k}-warm`, Math.max(1000, Math.round(n / 4)));
  const ms = Object.fromEntries(entries.map(([k]) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < ROUNDS; i++) for (const [k, run] of entries) ms[k].push(await run(`${prefix}-${k}-${i}`, n));
  return ms;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * brook against an anchor: throughputs from the median runs, and the ratio
 * as the median of the rounds' ratios (anchor ms / brook ms), each given.
 */
function versus(name: string, brook: number[], anchor: number[] | undefined, n = N): Record<string, unknown> {
  if (anchor === undefined) return { [name]: 'not installed (npm i --no-save bullmq)' };
  const each = brook.map((b, i) => ratio(anchor[i], b));
  return { [`${name}_ops`]: opsPerSec(n, median(anchor)), [`vs_${name}`]: median(each), [`vs_${name}_each`]: each };
}

const redis = await startRedis();
try {
  const conn = await connect(redis.url);
  const embedded = await connect('brook://memory');
  await throughput(conn, embedded);
  await conn.close();
  await embedded.close();
} finally {
  await redis.stop();
}

async function throughput(conn: Connection, embedded: Connection): Promise<void> {
  const bull = await loadBullMQ();
  const targets = { vs_loop: 0.7, vs_bullmq: 5 };
  const one = await rounds(
    {
      loop: (name, n) => ioredisLoop(redis.url, name, n),
      brook: (name, n) => brookRun(conn, name, n),
      embedded: (name, n) => brookRun(embedded, name, n),
      bullmq: bull && ((name, n) => bullmqRun(bull, redis.port, name, n)),
    },
    'one',
  );
  report({
    bench: 'queue', backend: 'redis-server', kind: 'end-to-end-1-consumer', n: N, rounds: ROUNDS,
    brook_ops: opsPerSec(N, median(one.brook)), ...versus('loop', one.brook, one.loop), ...versus('bullmq', one.brook, one.bullmq), targets,
  });
  report({
    bench: 'queue', backend: 'embedded', kind: 'end-to-end-1-consumer', n: N, rounds: ROUNDS,
    brook_ops: opsPerSec(N, median(one.embedded)), vs_redis_loop: median(one.embedded.map((e, i) => ratio(one.loop[i], e))),
  });

  // A consumer catching up: n messages stored before it starts (no target in issue 4; reported).
  const backlog = await rounds(
    { loop: (name, n) => ioredisLoop(redis.url, name, n, true), brook: (name, n) => brookRun(conn, name, n, true) },
    'backlog',
  );
  report({
    bench: 'queue', backend: 'redis-server', kind: 'drain-a-backlog-1-consumer', n: N, rounds: ROUNDS,
    brook_ops: opsPerSec(N, median(backlog.brook)), ...versus('loop', backlog.brook, backlog.loop),
  });

  // Ordered mode catching up on a keyed backlog (no target in issue 4; reported).
  const nOrdered = Math.round(N / 5);
  const ordered = await rounds(
    { loop: (name, n) => orderedLoop(conn, name, n), brook: (name, n) => brookOrdered(conn, name, n) },
    'ordered',
    nOrdered,
  );
  report({
    bench: 'queue', backend: 'redis-server', kind: 'ordered-drain-4-partitions', n: nOrdered, rounds: ROUNDS,
    brook_ops: opsPerSec(nOrdered, median(ordered.brook)), ...versus('loop', ordered.brook, ordered.loop, nOrdered),
  });

  const admin = new Redis(redis.url);
  const workers = {
    loop: await Workers.start('loop', redis.url),
    brook: await Workers.start('brook', redis.url),
    bullmq: bull && (await Workers.start('bullmq', redis.url)),
  };
  try {
    const four = await rounds(
      {
        loop: async (name, n) => {
          await admin.xgroup('CREATE', name, 'g', '$', 'MKSTREAM');
          return workers.loop.run(name, n, () => produceLoop(admin, name, n));
        },
        brook: async (name, n) => {
          const t = topic({ name });
          await conn.send(['XGROUP', 'CREATE', t.stream(0), 'g', '$', 'MKSTREAM']);
          return workers.brook.run(name, n, () => produceBrook(new Producer(t, { connection: conn }), n));
        },
        bullmq: bull && ((name, n) => workers.bullmq!.run(name, n, () => bullmqAdd(bull, redis.port, name, n))),
      },
      'four',
    );
    report({
      bench: 'queue', backend: 'redis-server', kind: 'end-to-end-4-consumer-processes', n: N, rounds: ROUNDS,
      brook_ops: opsPerSec(N, median(four.brook)), ...versus('loop', four.brook, four.loop), ...versus('bullmq', four.brook, four.bullmq), targets,
    });
  } finally {
    admin.disconnect();
    await Promise.all(Object.values(workers).map((w) => w?.close()));
  }
}

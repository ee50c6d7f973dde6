/**
 * Event store throughput, each figure against raw Redis commands on the
 * same backend in the same run:
 *   - appends/s to one aggregate (sequential, expected version) vs sequential XADD
 *   - appends/s to 10,000 aggregates (concurrent, pipelined on the socket) vs pipelined XADD
 *   - rebuild of a 10,000-event aggregate with and without a snapshot
 *   - catch-up subscription events/s vs XRANGE of the same log
 * on a real redis-server and on the embedded engine.
 *
 *   node --import tsx bench/eventstore.ts      (BENCH_SCALE scales the counts)
 */
import { connect, type Connection } from '../src/client/index.ts';
import { CommandHandler, EventStore, Subscription, type Decider } from '../src/eventstore/index.ts';
import { startRedis } from '../test/support/redis-server.ts';
import { opsPerSec, ratio, report } from './_support.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ONE = Math.round(5_000 * SCALE);
const MANY = Math.round(10_000 * SCALE);
const REBUILD = 10_000;

const sum: Decider<{ n: number }, { type: 'Added'; data: { n: number } }, number> = {
  initialState: 0,
  decide: (c) => [{ type: 'Added', data: { n: c.n } }],
  evolve: (s, e) => s + e.data.n,
};

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function inChunks(n: number, chunk: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += chunk) await Promise.all(Array.from({ length: Math.min(chunk, n - i) }, (_, k) => fn(i + k)));
}

async function run(backend: string, conn: Connection): Promise<void> {
  const payload = { n: 1, note: 'x'.repeat(60) };
  const store = new EventStore({ connection: conn, prefix: `bench-${backend}:`, partitions: 4 });

  // Both sides warm up (JIT, connection) before they are timed, and are timed in alternating rounds.
  let v = 0;
  const appends = async (n: number) => {
    for (let i = 0; i < n; i++) v = (await store.append('one', [{ type: 'Added', data: payload }], { expectedVersion: v })).version;
  };
  const xadds = async (n: number) => {
    for (let i = 0; i < n; i++) await conn.send(['XADD', 'raw-one', '*', 'type', 'Added', 'data', JSON.stringify(payload)]);
  };
  await appends(500);
  await xadds(500);
  let appendOne = 0;
  let xaddOne = 0;
  for (let round = 0; round < 4; round++) {
    xaddOne += await time(() => xadds(ONE / 4));
    appendOne += await time(() => appends(ONE / 4));
  }
  report({ bench: 'eventstore', backend, kind: 'append-one-aggregate', n: ONE, ops: opsPerSec(ONE, appendOne), anchor: 'sequential XADD', anchor_ops: opsPerSec(ONE, xaddOne), ratio: ratio(xaddOne, appendOne), target: 0.5 });

  const appendMany = await time(() => inChunks(MANY, 500, (i) => store.append(`agg-${i}`, [{ type: 'Added', data: payload }], { expectedVersion: 'no-stream' })));
  const xaddMany = await time(async () => {
    for (let i = 0; i < MANY; i += 500) {
      await conn.pipeline(Array.from({ length: Math.min(500, MANY - i) }, (_, k) => ['XADD', `raw-${i + k}`, '*', 'type', 'Added', 'data', JSON.stringify(payload)]));
    }
  });
  report({ bench: 'eventstore', backend, kind: 'append-10k-aggregates', n: MANY, ops: opsPerSec(MANY, appendMany), anchor: 'pipelined XADD', anchor_ops: opsPerSec(MANY, xaddMany), ratio: ratio(xaddMany, appendMany), target: 0.5 });

  const h = new CommandHandler(store, sum);
  for (let i = 0; i < REBUILD; i += 1000) {
    await store.append('big', Array.from({ length: 1000 }, () => ({ type: 'Added', data: { n: 1 } })));
  }
  const full = await time(() => h.load('big'));
  await store.append('big', Array.from({ length: 1 }, () => ({ type: 'Added', data: { n: 1 } })));
  await h.snapshot('big');
  await store.append('big', Array.from({ length: 100 }, () => ({ type: 'Added', data: { n: 1 } })));
  const fromSnap = await time(() => h.load('big'));
  report({ bench: 'eventstore', backend, kind: 'rebuild', events: REBUILD, full_ms: Math.round(full), from_snapshot_ms: Math.round(fromSnap * 100) / 100, events_after_snapshot: 100, speedup: ratio(full, fromSnap) });

  // Catch-up: every event appended above, through a subscription, against XRANGE of the logs.
  const total = 500 + ONE + MANY + REBUILD + 101; // the warm-up appends too
  let seen = 0;
  let sub: Subscription | undefined;
  const catchUp = await time(async () => {
    sub = new Subscription(store, { name: 'bench', batchSize: 500, handler: () => void seen++ });
    await sub.caughtUp;
  });
  await sub!.stop();
  const xrange = await time(async () => {
    for (let p = 0; p < 4; p++) {
      let from = '-';
      for (;;) {
        const r = (await conn.send(['XRANGE', store.keys.log(p), from, '+', 'COUNT', 500])) as Array<[string]>;
        if (r.length === 0) break;
        from = `(${r[r.length - 1][0]}`;
      }
    }
  });
  report({ bench: 'eventstore', backend, kind: 'catch-up-subscription', events: seen, expected: total, ops: opsPerSec(seen, catchUp), anchor: 'XRANGE COUNT 500 over the logs', anchor_ops: opsPerSec(total, xrange), ratio: ratio(xrange, catchUp) });
}

const redis = await startRedis();
try {
  const r = await connect(redis.url);
  await run('redis-server', r);
  await r.close();
  const e = await connect('brook://memory');
  await run('embedded', e);
  await e.close();
} finally {
  await redis.stop();
}

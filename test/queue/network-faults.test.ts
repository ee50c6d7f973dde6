/**
 * Network fault tests: producers and consumers reach redis-server through
 * a TCP fault proxy (test/support/fault-proxy.ts) that cuts every
 * connection, stalls them for longer than the consumers' blockMs, and
 * refuses new ones for a while. Every message the producer had acknowledged
 * is handled at least once, nothing is left pending, and after each fault
 * handling resumes by itself.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Connection } from '../../src/client/index.ts';
import { BLOCK_GRACE_MS } from '../../src/client/connection.ts';
import { Consumer, Notifications, Producer, topic, type Topic } from '../../src/queue/index.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { startRedis, type RedisProcess } from '../support/redis-server.ts';
import { sendUntilAcked, type AckLog } from '../support/retrying-send.ts';
import { until } from '../support/until.ts';

const BLOCK_MS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: RedisProcess;
let proxy: FaultProxy;
let admin: Connection; // straight to redis-server, never through the proxy
before(async () => {
  redis = await startRedis();
  proxy = await startFaultProxy({ port: redis.port });
  admin = await connect(redis.url);
});
after(async () => {
  await admin?.close();
  await proxy?.close();
  await redis?.stop();
});

/** An in-process consumer on its own connection through the proxy, recording what it handles. */
async function startConsumer(t: Topic<{ i: number }>, name: string, seen: Map<number, number>, onHandled: (i: number) => void) {
  const conn = await connect(proxy.url);
  const c = new Consumer(t, {
    connection: conn,
    group: 'g',
    name,
    concurrency: 8,
    blockMs: BLOCK_MS,
    claimIdleMs: 3000,
    heartbeatMs: 500,
    scanIntervalMs: 100,
  });
  const errors: Error[] = [];
  c.events.on((e) => {
    if (e.type === 'error') errors.push(e.error);
  });
  const running = c.run(async (m) => {
    seen.set(m.payload.i, (seen.get(m.payload.i) ?? 0) + 1);
    onHandled(m.payload.i);
  });
  return {
    errors,
    async stop() {
      await c.stop();
      await running;
      await conn.close();
    },
  };
}

async function pendingAndLag(t: Topic<unknown>): Promise<{ pending: number; lag: number }> {
  let pending = 0;
  let lag = 0;
  for (let p = 0; p < t.partitions; p++) {
    pending += ((await admin.send(['XPENDING', t.stream(p), 'g'])) as [number])[0];
    const groups = (await admin.send(['XINFO', 'GROUPS', t.stream(p)])) as Array<Array<string | number | null>>;
    const g = groups.map((flat) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, k) => [flat[2 * k], flat[2 * k + 1]])));
    lag += Number(g.find((x) => x.name === 'g')?.lag ?? 0);
  }
  return { pending, lag };
}

test('cuts, stalls longer than blockMs and refused reconnects while messages flow: none lost, none stuck', { timeout: 90_000 }, async () => {
  const N = 3000;
  const t = topic<{ i: number }>({ name: 'netfaults', partitions: 2 });
  const seen = new Map<number, number>();
  let lastHandledAt = 0;
  const consumers = await Promise.all(
    ['c1', 'c2'].map((n) =>
      startConsumer(t, n, seen, () => {
        lastHandledAt = Date.now();
      }),
    ),
  );

  // The retrying producer: a send that fails is sent again; only acknowledged sends must not be lost.
  const prodConn = await connect(proxy.url);
  const producer = new Producer(t, { connection: prodConn });
  const log: AckLog = { acked: new Set(), errors: 0 };
  const acked = log.acked;
  let next = 0;
  const sendLoop = async () => {
    while (next < N) {
      const i = next++;
      await sendUntilAcked(producer, i, log);
      await sleep(5);
    }
  };
  const producing = Promise.all([sendLoop(), sendLoop(), sendLoop(), sendLoop()]);
  let producerDone = false;
  void producing.then(() => (producerDone = true));

  // Faults, each followed by a quiet spell, until the plan is done and the producer has finished.
  const plan = ['cut', 'stall', 'cut', 'refuse', 'stall', 'cut', 'stall+cut', 'cut'] as const;
  const resumeMs: Record<string, number[]> = {};
  let cuts = 0;
  let stalls = 0;
  for (let step = 0; step < plan.length || !producerDone; step++) {
    await sleep(400 + Math.random() * 300);
    const fault = plan[step % plan.length];
    if (fault === 'cut') {
      proxy.cutAll();
      cuts++;
    } else if (fault === 'stall' || fault === 'stall+cut') {
      proxy.stall(true);
      stalls++;
      await sleep(3 * BLOCK_MS);
      if (fault === 'stall+cut') {
        proxy.cutAll();
        cuts++;
      }
      proxy.stall(false);
    } else {
      proxy.refuse(true);
      proxy.cutAll();
      cuts++;
      await sleep(3 * BLOCK_MS);
      proxy.refuse(false);
    }
    // Resume: from the fault's end to the next message handled (the producer keeps sending).
    const end = Date.now();
    if (!producerDone) {
      await until(() => lastHandledAt > end, 30_000, `handling to resume after ${fault}`).catch(async (e: Error) => {
        // Say where it stopped: the producer, the consumers, or the group.
        const errors = consumers.flatMap((c) => c.errors.map((x) => x.message)).slice(-5);
        const group = await pendingAndLag(t as Topic<unknown>);
        throw new Error(`${e.message}: ${acked.size} sent and acknowledged (${log.errors} failed attempts), ${seen.size} handled, group ${JSON.stringify(group)}, consumer errors ${JSON.stringify(errors)}`);
      });
      (resumeMs[fault] ??= []).push(lastHandledAt - end);
    }
  }
  await producing;

  // Every acknowledged message handled, nothing pending, no unread entries.
  const faultsEnded = Date.now();
  await until(
    async () => [...acked].every((i) => seen.has(i)) && Object.values(await pendingAndLag(t as Topic<unknown>)).every((v) => v === 0),
    30_000,
    'every acknowledged message handled and acked',
  );
  const drainMs = Date.now() - faultsEnded;
  const missing = [...acked].filter((i) => !seen.has(i));
  assert.deepEqual(missing, [], 'every acknowledged message handled');
  assert.equal(acked.size, N);
  const duplicates = [...seen.values()].reduce((s, c) => s + c - 1, 0);
  const streamLen = ((await admin.send(['XLEN', t.stream(0)])) as number) + ((await admin.send(['XLEN', t.stream(1)])) as number);
  const worst = Math.max(...Object.values(resumeMs).flat());
  assert.ok(worst < BLOCK_MS + 5000, `handling resumed ${worst} ms after a fault ended`);
  const errors = consumers.reduce((s, c) => s + c.errors.length, 0);
  console.log(
    `# network faults: ${N} messages (${streamLen} entries), ${cuts} cuts, ${stalls} stalls of ${3 * BLOCK_MS} ms, ` +
      `${log.errors} send errors, ${duplicates} duplicate handlings, ${errors} consumer errors; ` +
      `resume ms after ${JSON.stringify(resumeMs)}; drained ${drainMs} ms after the faults`,
  );
  for (const c of consumers) await c.stop();
  await prodConn.close();
});

test('a half-open link (live connections hang, new ones work): the blocked reader reconnects by itself', { timeout: 60_000 }, async () => {
  const t = topic<{ i: number }>({ name: 'halfopen', partitions: 1 });
  const seen = new Map<number, number>();
  const handledAt = new Map<number, number>();
  const c = await startConsumer(t, 'h1', seen, (i) => handledAt.set(i, Date.now()));
  try {
    const producer = new Producer(t, { connection: admin });
    await producer.send({ i: 0 });
    await until(() => seen.has(0), 10_000, 'the first message');
    await sleep(100); // let the reader block again

    // Freeze the consumer's two connections (reader and commands); send straight to redis-server
    // every 100 ms. The first of these is delivered on the frozen reader and stays pending; a later
    // one must reach the handler once the reader has given up on its socket (blockMs + grace).
    proxy.stall(true, 'live');
    const frozenAt = Date.now();
    let sent = 0;
    try {
      await until(
        async () => {
          if (handledAt.size > 1) return true;
          await producer.send({ i: ++sent });
          await sleep(100);
          return false;
        },
        BLOCK_MS + 10_000,
        'the reader to leave the frozen connection',
      );
    } finally {
      proxy.stall(false);
    }
    const resume = Math.min(...[...handledAt].filter(([i]) => i > 0).map(([, at]) => at)) - frozenAt;
    // After the freeze: the entry stuck on the frozen socket is retried from the PEL, the acks go through.
    await until(
      async () => Array.from({ length: sent + 1 }, (_, i) => i).every((i) => seen.has(i)) && Object.values(await pendingAndLag(t as Topic<unknown>)).every((v) => v === 0),
      20_000,
      'every message handled, nothing pending',
    );
    console.log(`# half-open link: handling resumed ${resume} ms after the freeze (blockMs ${BLOCK_MS}, grace ${BLOCK_GRACE_MS}); ${sent} messages sent meanwhile, all handled`);
  } finally {
    await c.stop();
  }
});

test('a link that hangs for good: a command with no reply past replyTimeoutMs drops the socket, and the consumer goes on', { timeout: 60_000 }, async () => {
  const t = topic<{ i: number }>({ name: 'deadlink', partitions: 1 });
  const conn = await connect(`${proxy.url}?replyTimeoutMs=1000`);
  const seen = new Set<number>();
  const c = new Consumer(t, { connection: conn, group: 'g', concurrency: 4, blockMs: 300, claimIdleMs: 60_000, heartbeatMs: 5000, scanIntervalMs: 100 });
  const running = c.run((m) => void seen.add(m.payload.i));
  const producer = new Producer(t, { connection: admin });
  try {
    await producer.send({ i: 0 });
    await until(() => seen.has(0), 10_000, 'the first message');
    // Every connection the consumer has now hangs and never comes back; new ones work.
    proxy.stall(true, 'live');
    const frozenAt = Date.now();
    for (let i = 1; i <= 20; i++) await producer.send({ i });
    await until(
      async () => seen.size === 21 && Object.values(await pendingAndLag(t as Topic<unknown>)).every((v) => v === 0),
      20_000,
      'every message handled and acked on new sockets',
    );
    console.log(`# dead link: all handled and acked ${Date.now() - frozenAt} ms after the freeze (replyTimeoutMs 1000, blockMs 300)`);
  } finally {
    await c.stop();
    await running;
    proxy.stall(false);
    await conn.close();
  }
});

test('a subscriber whose link hangs for good: its PING goes unanswered, it reconnects and subscribes again', { timeout: 60_000 }, async () => {
  const conn = await connect(`${proxy.url}?replyTimeoutMs=1000`);
  const received: number[] = [];
  const notes = new Notifications<{ i: number }>(conn, { name: 'halfopen' });
  const unsubscribe = await notes.subscribe((n) => void received.push(n.payload.i));
  const publisher = new Notifications<{ i: number }>(admin, { name: 'halfopen' });
  try {
    await publisher.publish({ i: 0 });
    await until(() => received.includes(0), 10_000, 'the first notification');
    // The subscriber's link now hangs and never comes back; new connections work. Publish every 100 ms.
    proxy.stall(true, 'live');
    const frozenAt = Date.now();
    let i = 0;
    await until(
      async () => {
        await publisher.publish({ i: ++i });
        await sleep(100);
        return received.length > 1;
      },
      15_000,
      'a notification on a new connection',
    );
    console.log(`# subscriber on a dead link: notifications again ${Date.now() - frozenAt} ms after the freeze (replyTimeoutMs 1000); ${i} published meanwhile, ${received.length - 1} received`);
  } finally {
    proxy.stall(false);
    await unsubscribe();
    await conn.close();
  }
});

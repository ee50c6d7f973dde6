/**
 * The queue's conformance suite, run on the embedded engine, a real
 * redis-server and brook server: produce/consume/ack, retries then dead
 * letters after exactly maxDeliveries, schema failures, replay and purge,
 * idempotent produce, reclaim from a dead consumer, a zombie that lost its
 * message, graceful stop, and restart with pending work. Timings are short
 * and every test ends by itself.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { connect, isRedisReplyError, type Connection } from '../../src/client/index.ts';
import { Consumer, DeadLetters, Producer, topic, type ConsumerEvent, type ConsumerOptions, type Message, Retention } from '../../src/queue/index.ts';
import { until } from '../support/until.ts';
import { useBackends } from '../support/backends.ts';


const Order = v.object({ orderId: v.number(), item: v.string() });
type Order = v.InferOutput<typeof Order>;

const fast: Partial<ConsumerOptions> = { backoffMs: 10, maxBackoffMs: 40, claimIdleMs: 300, heartbeatMs: 60, scanIntervalMs: 20, blockMs: 50 };

let n = 0;
const backends = useBackends();

for (const b of backends) {
  describe(`queue on ${b.name}`, () => {
    let conn: Connection;
    before(async () => {
      conn = await connect(b.url());
    });
    after(async () => {
      await conn?.close();
    });
    const fresh = <T>(schema?: v.GenericSchema<unknown, T>, partitions = 1) => topic<T>({ name: `t${++n}`, schema: schema as never, partitions });

    test('every message is handled once and acknowledged', async () => {
      const t = fresh(Order, 3);
      const producer = new Producer(t, { connection: conn });
      await producer.sendBatch(Array.from({ length: 40 }, (_, i) => ({ payload: { orderId: i, item: 'tea' }, key: `k${i % 5}` })));
      await producer.send({ orderId: 40, item: 'cake' }, { headers: { traceparent: '00-abc-def-01' } });
      const seen: Message<Order>[] = [];
      const c = new Consumer(t, { connection: conn, group: 'g', concurrency: 4, ...fast });
      const running = c.run(async (m) => {
        seen.push(m);
      });
      await until(() => seen.length === 41, 5000, '41 messages');
      await c.stop();
      await running;
      assert.deepEqual(seen.map((m) => m.payload.orderId).sort((a, z) => a - z), Array.from({ length: 41 }, (_, i) => i));
      assert.equal(seen.find((m) => m.payload.orderId === 40)!.headers.traceparent, '00-abc-def-01');
      for (let p = 0; p < 3; p++) assert.equal(((await conn.send(['XPENDING', t.stream(p), 'g'])) as unknown[])[0], 0);
    });

    test('sendBatch: results in the batch order; each partition holds its messages in that order, with keys and headers', async () => {
      const t = fresh<{ i: number }>(undefined, 3);
      // More than one script call's share (500) on each partition (sent one after the other on a Cluster), keys and headers on some.
      const items = Array.from({ length: 2000 }, (_, i) => ({
        payload: { i },
        ...(i % 3 === 0 ? { key: `k${i % 7}` } : {}),
        ...(i % 5 === 0 ? { headers: { n: String(i) } } : {}),
      }));
      const results = await new Producer(t, { connection: conn }).sendBatch(items);
      assert.equal(results.length, items.length);
      for (let p = 0; p < 3; p++) {
        const sent = items.map((it, i) => ({ it, r: results[i] })).filter((x) => x.r.partition === p);
        const stored = (await conn.send(['XRANGE', t.stream(p), '-', '+'])) as Array<[string, string[]]>;
        assert.deepEqual(stored.map(([id]) => id), sent.map((x) => x.r.id), `partition ${p}: the ids returned, in batch order`);
        for (let k = 0; k < sent.length; k++) {
          const f = stored[k][1];
          const field = (name: string) => f[f.indexOf(name) + 1];
          assert.deepEqual(JSON.parse(field('p')), sent[k].it.payload);
          if (sent[k].it.key !== undefined) assert.equal(field('k'), sent[k].it.key);
          if (sent[k].it.headers !== undefined) assert.deepEqual(JSON.parse(field('h')), sent[k].it.headers);
        }
      }
      for (const [i, it] of items.entries()) if (it.key !== undefined) assert.equal(results[i].partition, t.partitionFor(it.key));
    });

    test('a payload that is not JSON (undefined, a function) is refused like one JSON cannot encode, by send and sendBatch; nothing is written', async () => {
      const t = fresh<unknown>();
      const producer = new Producer(t, { connection: conn });
      for (const payload of [undefined, () => 1, 10n]) {
        await assert.rejects(producer.send(payload), TypeError, `send(${typeof payload})`);
        await assert.rejects(producer.sendBatch([{ payload: 1 }, { payload }]), TypeError, `sendBatch with a ${typeof payload}`);
      }
      assert.equal(await conn.send(['EXISTS', t.stream(0)]), 0);
    });

    test('concurrency bounds the handlers running at once; every message is acked by stop()', async () => {
      const t = fresh<{ i: number }>();
      const producer = new Producer(t, { connection: conn });
      await producer.sendBatch(Array.from({ length: 60 }, (_, i) => ({ payload: { i } })));
      let running = 0;
      let most = 0;
      const handled = new Set<number>();
      const c = new Consumer(t, { connection: conn, group: 'g', concurrency: 3, ...fast });
      const loop = c.run(async (m) => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, m.payload.i % 4));
        running--;
        handled.add(m.payload.i);
      });
      await until(() => handled.size === 60, 5000, '60 messages');
      await c.stop();
      await loop;
      // A handler's slot frees before its ack lands (the next read overlaps it), never before it returns.
      assert.equal(most, 3);
      assert.equal(((await conn.send(['XPENDING', t.stream(0), 'g'])) as unknown[])[0], 0);
    });

    test('a payload JSON cannot encode is refused by send() with a rejection, nothing is added', async () => {
      const t = fresh<unknown>();
      const producer = new Producer(t, { connection: conn });
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      let threw = false;
      const sent = (() => {
        try {
          return producer.send({ n: 1n });
        } catch {
          threw = true;
          return Promise.resolve();
        }
      })();
      assert.equal(threw, false, 'a rejection, not a synchronous throw');
      await assert.rejects(sent, TypeError);
      await assert.rejects(producer.send(cycle), TypeError);
      assert.equal(await conn.send(['EXISTS', t.stream(0)]), 0);
    });

    test('a failing message is retried with backoff and dead-lettered after exactly maxDeliveries', async () => {
      const t = fresh(Order);
      const producer = new Producer(t, { connection: conn });
      const poison = await producer.send({ orderId: 666, item: 'poison' });
      await producer.send({ orderId: 1, item: 'ok' });
      const calls = new Map<number, number>();
      const events: ConsumerEvent[] = [];
      const c = new Consumer(t, { connection: conn, group: 'g', maxDeliveries: 3, ...fast });
      c.events.on((e) => events.push(e));
      const running = c.run(async (m) => {
        calls.set(m.payload.orderId, (calls.get(m.payload.orderId) ?? 0) + 1);
        if (m.payload.orderId === 666) throw new Error('cannot ship poison');
      });
      await until(() => events.some((e) => e.type === 'dead-lettered'), 5000, 'dead letter');
      await c.stop();
      await running;
      assert.equal(calls.get(666), 3);
      assert.equal(calls.get(1), 1);
      const dl = await new DeadLetters(t, conn).list();
      assert.equal(dl.length, 1);
      assert.equal(dl[0].originalId, poison.id);
      assert.equal(dl[0].deliveries, 3);
      assert.equal(dl[0].error, 'cannot ship poison');
      assert.equal(dl[0].group, 'g');
      assert.equal(dl[0].consumer, c.name);
      assert.match(dl[0].reason, /failed 3 deliveries/);
      assert.equal(events.filter((e) => e.type === 'retry').length, 2);
      assert.equal(((await conn.send(['XPENDING', t.stream(0), 'g'])) as unknown[])[0], 0);
    });

    test('a busy consumer reads ahead up to prefetch (default: concurrency); with prefetch 0 it takes no more than it runs', async () => {
      // 0 until the consumer has created its group.
      const pendingCount = (t: ReturnType<typeof fresh>) =>
        conn.send(['XPENDING', t.stream(0), 'g']).then((r) => (r as [number])[0], (e: unknown) => (isRedisReplyError(e, 'NOGROUP') ? 0 : Promise.reject(e)));
      for (const prefetch of [undefined, 0]) {
        const t = fresh<{ n: number }>();
        await new Producer(t, { connection: conn }).sendBatch([1, 2, 3].map((n) => ({ payload: { n } })));
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const handled: number[] = [];
        const c = new Consumer(t, { connection: conn, group: 'g', concurrency: 1, prefetch, ...fast });
        const running = c.run(async (m) => {
          if (m.payload.n === 1) await gate;
          handled.push(m.payload.n);
        });
        await until(() => pendingCount(t).then((p) => p >= 1), 5000, 'first delivery');
        if (prefetch === undefined) {
          await until(() => pendingCount(t).then((p) => p === 2), 5000, 'one message read ahead');
        } else {
          await new Promise((r) => setTimeout(r, 300)); // several read cycles (blockMs 50)
          assert.equal(await pendingCount(t), 1, 'prefetch 0: nothing taken beyond the running handler');
        }
        assert.deepEqual(handled, []);
        release();
        await until(() => handled.length === 3, 5000, 'all three');
        await c.stop();
        await running;
        assert.deepEqual(handled, [1, 2, 3]);
        assert.equal(await pendingCount(t), 0);
      }
    });

    test('no schema: throwing and rejecting handlers are retried, then dead-lettered after exactly maxDeliveries; bad JSON is dead-lettered', async () => {
      const t = fresh<{ n: number }>();
      const producer = new Producer(t, { connection: conn });
      await producer.send({ n: 1 }); // throws
      await producer.send({ n: 2 }); // rejects
      await producer.send({ n: 3 }); // fine
      await conn.send(['XADD', t.stream(0), '*', 'p', '{not json']);
      const calls = [0, 0, 0, 0];
      const c = new Consumer(t, { connection: conn, group: 'g', maxDeliveries: 3, concurrency: 4, ...fast });
      const running = c.run((m) => {
        calls[m.payload.n]++;
        if (m.payload.n === 1) throw new Error('sync failure');
        if (m.payload.n === 2) return Promise.reject(new Error('async failure'));
      });
      const dl = new DeadLetters(t, conn);
      await until(async () => (await dl.list()).length === 3, 5000, 'three dead letters');
      await c.stop();
      await running;
      assert.deepEqual(calls.slice(1), [3, 3, 1]);
      const byError = (await dl.list()).map((d) => `${d.reason}: ${d.error}`).sort();
      assert.deepEqual(byError, ['failed 3 deliveries: async failure', 'failed 3 deliveries: sync failure', 'malformed payload: the payload is not JSON']);
      assert.equal(((await conn.send(['XPENDING', t.stream(0), 'g'])) as unknown[])[0], 0);
    });

    test('a payload that fails the schema goes straight to the dead letters; the consumer goes on', async () => {
      const t = fresh(Order);
      await conn.send(['XADD', t.stream(0), '*', 'p', JSON.stringify({ orderId: 'x' })]);
      await conn.send(['XADD', t.stream(0), '*', 'p', '{not json']);
      await new Producer(t, { connection: conn }).send({ orderId: 2, item: 'ok' });
      const seen: number[] = [];
      const c = new Consumer(t, { connection: conn, group: 'g', ...fast });
      const running = c.run((m) => void seen.push(m.payload.orderId));
      await until(() => seen.length === 1, 5000, 'the good message');
      const dl = new DeadLetters(t, conn);
      await until(async () => (await dl.list()).length === 2, 5000, 'two dead letters');
      await c.stop();
      await running;
      const reasons = (await dl.list()).map((d) => d.reason).sort();
      assert.deepEqual(reasons, ['malformed payload', 'schema']);
      assert.match((await dl.list()).find((d) => d.reason === 'schema')!.error, /orderId/);
    });

    test('dead letters can be replayed (filtered, rate-limited) and purged', async () => {
      const t = fresh<{ n: number }>();
      for (let i = 0; i < 4; i++) {
        await conn.pipeline(
          [['MULTI'], ['XADD', t.deadLetters(0), '*', 'reason', 'test', 'error', 'e', 'original-id', `${i}-0`, 'source-stream', t.stream(0),
            'group', 'g', 'consumer', 'c', 'deliveries', 3, 'failed-at', 0, 'p', JSON.stringify({ n: i })], ['EXEC']],
        );
      }
      const dl = new DeadLetters(t, conn);
      const started = Date.now();
      assert.equal(await dl.replay({ filter: (d) => Number(JSON.parse(d.payloadText!).n) % 2 === 0, perSecond: 20 }), 2);
      assert.ok(Date.now() - started >= 40, 'rate limit applied');
      assert.equal(await conn.send(['XLEN', t.stream(0)]), 2);
      assert.equal((await dl.list()).length, 2);
      assert.equal(await dl.purge(), 2);
      assert.equal((await dl.list()).length, 0);
    });

    test('an idempotency key sends once within the window', async () => {
      const t = fresh<{ n: number }>();
      const producer = new Producer(t, { connection: conn });
      const a = await producer.send({ n: 1 }, { idempotencyKey: 'order-7' });
      const [b2, b3] = await Promise.all([
        producer.send({ n: 1 }, { idempotencyKey: 'order-7' }),
        producer.send({ n: 2 }, { idempotencyKey: 'order-8' }),
      ]);
      assert.equal(a.duplicate, false);
      assert.equal(b2.duplicate, true);
      assert.equal(b2.id, a.id);
      assert.equal(b3.duplicate, false);
      assert.equal(await conn.send(['XLEN', t.stream(0)]), 2);
      await producer.close();
    });

    test('messages of a consumer that died are reclaimed by another', async () => {
      const t = fresh<{ n: number }>();
      await new Producer(t, { connection: conn }).send({ n: 1 });
      await conn.send(['XGROUP', 'CREATE', t.stream(0), 'g', '0']);
      await conn.send(['XREADGROUP', 'GROUP', 'g', 'dead-worker', 'STREAMS', t.stream(0), '>']);
      const events: ConsumerEvent[] = [];
      const seen: Message<{ n: number }>[] = [];
      const c = new Consumer(t, { connection: conn, group: 'g', ...fast });
      c.events.on((e) => events.push(e));
      const running = c.run((m) => void seen.push(m));
      await until(() => seen.length === 1, 5000, 'reclaim');
      await c.stop();
      await running;
      assert.equal(seen[0].deliveries, 2);
      assert.ok(events.some((e) => e.type === 'reclaimed' && e.from === 'dead-worker'));
      assert.equal(((await conn.send(['XPENDING', t.stream(0), 'g'])) as unknown[])[0], 0);
    });

    test('for await: a message is acked when the loop asks for the next; leaving early hands messages back, failing nothing', async () => {
      const t = fresh<{ n: number }>();
      await new Producer(t, { connection: conn }).sendBatch(Array.from({ length: 5 }, (_, n) => ({ payload: { n } })));
      const events: ConsumerEvent[] = [];
      // maxDeliveries 1: a message handed back must not count as delivered, or it would be dead-lettered on its next delivery.
      const first = new Consumer(t, { connection: conn, group: 'g', name: 'it', ...fast, concurrency: 2, maxDeliveries: 1 });
      first.events.on((e) => events.push(e));
      const got: number[] = [];
      const bound = setTimeout(() => void first.stop(), 5000); // ends the loop should the messages not come
      for await (const m of first.messages()) {
        got.push(m.payload.n);
        if (m.payload.n === 2) break;
      }
      clearTimeout(bound);
      assert.deepEqual(got, [0, 1, 2]);
      const pending = (await conn.send(['XPENDING', t.stream(0), 'g', '-', '+', 10])) as Array<[string, string, number, number]>;
      assert.ok(pending.length >= 1 && pending.length <= 3, `2 and what was read ahead stay pending: ${pending.length}`);
      assert.ok(!events.some((e) => e.type === 'retry' || e.type === 'dead-lettered' || e.type === 'error'), 'handing back is no failure');

      // Another consumer takes what was handed back, as a first delivery, then the rest; stop() ends the loop.
      const second = new Consumer(t, { connection: conn, group: 'g', name: 'other', ...fast, claimIdleMs: 60_000, heartbeatMs: 1000, maxDeliveries: 1 });
      second.events.on((e) => events.push(e));
      const rest: number[] = [];
      const deliveries: number[] = [];
      const bound2 = setTimeout(() => void second.stop(), 5000);
      for await (const m of second.messages()) {
        rest.push(m.payload.n);
        deliveries.push(m.deliveries);
        if (rest.length === 3) void second.stop();
      }
      clearTimeout(bound2);
      assert.deepEqual(rest.sort(), [2, 3, 4], 'taken at once, though its claimIdleMs is a minute');
      assert.deepEqual(deliveries, [1, 1, 1]);
      assert.ok(!events.some((e) => e.type === 'dead-lettered'));
      assert.equal(((await conn.send(['XPENDING', t.stream(0), 'g'])) as unknown[])[0], 0, 'all acked');

      // An error thrown in the loop's body leaves the loop with it; its message stays pending.
      await new Producer(t, { connection: conn }).send({ n: 5 });
      const third = new Consumer(t, { connection: conn, group: 'g', name: 'it', ...fast });
      const bound3 = setTimeout(() => void third.stop(), 5000);
      await assert.rejects(async () => {
        for await (const m of third.messages()) throw new Error(`cannot take ${m.payload.n}`);
      }, /cannot take 5/);
      clearTimeout(bound3);
      assert.equal(((await conn.send(['XPENDING', t.stream(0), 'g'])) as unknown[])[0], 1);
    });

    test('consumers that came and went leave the group once idle with nothing pending; pending work keeps its owner listed', async () => {
      const t = fresh<{ n: number }>(undefined, 2);
      await new Producer(t, { connection: conn }).send({ n: 1 }, { key: 'x' });
      const p = t.partitionFor('x');
      await conn.send(['XGROUP', 'CREATE', t.stream(p), 'g', '0']);
      await conn.send(['XGROUP', 'CREATECONSUMER', t.stream(p), 'g', 'gone-idle']);
      await conn.send(['XREADGROUP', 'GROUP', 'g', 'gone-busy', 'STREAMS', t.stream(p), '>']); // it holds the message
      const removed: string[] = [];
      const c = new Consumer(t, { connection: conn, group: 'g', name: 'live', ...fast, claimIdleMs: 60_000, heartbeatMs: 1000, forgetIdleConsumersMs: 150 });
      c.events.on((e) => void (e.type === 'consumer-removed' && removed.push(`${e.partition}/${e.consumer}`)));
      const running = c.run(() => {});
      await until(() => removed.length > 0, 5000, 'an idle member removed');
      await new Promise((r) => setTimeout(r, 300)); // two more rounds: nobody else goes
      await c.stop();
      await running;
      assert.deepEqual(removed, [`${p}/gone-idle`]);
      // ('live' itself is listed only once it has read something: Redis adds a member on its first delivery.)
      const members = ((await conn.send(['XINFO', 'CONSUMERS', t.stream(p), 'g'])) as string[][]).map((m) => [m[1], m[3]]).filter(([name]) => name !== 'live');
      assert.deepEqual(members, [['gone-busy', 1]], 'the member holding a message stays');
      assert.throws(() => new Consumer(t, { connection: conn, group: 'g', forgetIdleConsumersMs: -1 }), /forgetIdleConsumersMs/);
    });

    test('a dead consumer\'s messages are reclaimed even behind more than a page of live pending ones', async () => {
      const t = fresh<{ n: number }>();
      const s = t.stream(0);
      await new Producer(t, { connection: conn }).sendBatch(Array.from({ length: 160 }, (_, n) => ({ payload: { n } })));
      await conn.send(['XGROUP', 'CREATE', s, 'g', '0']);
      const alive = ((await conn.send(['XREADGROUP', 'GROUP', 'g', 'alive', 'COUNT', 150, 'STREAMS', s, '>'])) as Array<[string, Array<[string, string[]]>]>)[0][1].map(([id]) => id);
      await conn.send(['XREADGROUP', 'GROUP', 'g', 'dead', 'COUNT', 10, 'STREAMS', s, '>']);
      // 'alive' keeps its 150 fresh, as a live consumer's heartbeat does.
      const heartbeat = setInterval(() => void conn.send(['XCLAIM', s, 'g', 'alive', 0, ...alive, 'JUSTID']).catch(() => {}), 50);
      const seen: number[] = [];
      const c = new Consumer(t, { connection: conn, group: 'g', ...fast, concurrency: 4 });
      const running = c.run((m) => void seen.push(m.payload.n));
      try {
        await until(() => seen.length >= 10, 5000, "the dead consumer's 10 messages");
      } finally {
        await c.stop();
        await running;
        clearInterval(heartbeat);
      }
      assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => 150 + i), "only the dead consumer's");
    });

    test('a consumer whose message was taken over does not ack it and reports it lost', async () => {
      const t = fresh<{ n: number }>();
      await new Producer(t, { connection: conn }).send({ n: 1 });
      const events: ConsumerEvent[] = [];
      let release!: () => void;
      const c = new Consumer(t, { connection: conn, group: 'g', ...fast, heartbeatMs: 250 });
      c.events.on((e) => events.push(e));
      let got: Message<{ n: number }> | undefined;
      const running = c.run(async (m) => {
        got = m;
        await new Promise<void>((r) => (release = r));
      });
      await until(() => got !== undefined, 5000, 'delivery');
      // Another consumer takes it over while the handler is still running (a paused "zombie").
      await conn.send(['XCLAIM', t.stream(0), 'g', 'thief', 0, got!.id]);
      release();
      await until(() => events.some((e) => e.type === 'lost'), 5000, 'lost event');
      await c.stop();
      await running;
      const pel = (await conn.send(['XPENDING', t.stream(0), 'g', '-', '+', 10])) as Array<[string, string]>;
      assert.deepEqual(pel.map((p) => p[1]), ['thief'], 'still pending on the new owner, not acked by the zombie');
    });

    test('a consumer whose failing message was taken over does not dead-letter it', async () => {
      const t = fresh<{ n: number }>();
      await new Producer(t, { connection: conn }).send({ n: 1 });
      const events: ConsumerEvent[] = [];
      let fail!: () => void;
      const c = new Consumer(t, { connection: conn, group: 'g', ...fast, maxDeliveries: 1, heartbeatMs: 250 });
      c.events.on((e) => events.push(e));
      let got: Message<{ n: number }> | undefined;
      const running = c.run(async (m) => {
        got = m;
        await new Promise<void>((_, reject) => (fail = () => reject(new Error('boom'))));
      });
      await until(() => got !== undefined, 5000, 'delivery');
      await conn.send(['XCLAIM', t.stream(0), 'g', 'thief', 0, got!.id]);
      fail(); // its last delivery failed: it would dead-letter the message, but it is no longer its own
      await until(() => events.some((e) => e.type === 'lost'), 5000, 'lost event');
      await c.stop();
      await running;
      assert.ok(!events.some((e) => e.type === 'dead-lettered'));
      assert.equal(await conn.send(['XLEN', t.deadLetters(0)]), 0, 'no dead letter');
      const pel = (await conn.send(['XPENDING', t.stream(0), 'g', '-', '+', 10])) as Array<[string, string]>;
      assert.deepEqual(pel.map((p) => p[1]), ['thief']);
    });

    test('stop() lets in-flight handlers finish and ack', async () => {
      const t = fresh<{ n: number }>();
      await new Producer(t, { connection: conn }).send({ n: 1 });
      let started = false;
      let finished = false;
      const c = new Consumer(t, { connection: conn, group: 'g', ...fast });
      const running = c.run(async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 150));
        finished = true;
      });
      await until(() => started, 5000, 'handler start');
      await c.stop();
      await running;
      assert.equal(finished, true);
      assert.equal(((await conn.send(['XPENDING', t.stream(0), 'g'])) as unknown[])[0], 0);
    });

    test('a restarted consumer retries what it had pending', async () => {
      const t = fresh<{ n: number }>();
      await new Producer(t, { connection: conn }).send({ n: 1 });
      const first = new Consumer(t, { connection: conn, group: 'g', name: 'w1', ...fast });
      let failedOnce = false;
      const r1 = first.run(() => {
        failedOnce = true;
        throw new Error('boom');
      });
      await until(() => failedOnce, 5000, 'first failure');
      await first.stop();
      await r1;
      const seen: number[] = [];
      const second = new Consumer(t, { connection: conn, group: 'g', name: 'w1', ...fast });
      const r2 = second.run((m) => void seen.push(m.deliveries));
      await until(() => seen.length === 1, 5000, 'retry after restart');
      await second.stop();
      await r2;
      assert.ok(seen[0] >= 2);
    });
  });
}

test('a consumer that cannot start says why and can be started again (nothing left running)', async () => {
  const closed = await connect('brook://memory');
  await closed.close();
  const c = new Consumer(topic({ name: 'nostart' }), { connection: closed, group: 'g' });
  await assert.rejects(c.run(() => {}), /closed/);
  await assert.rejects(c.run(() => {}), /closed/, 'not "already running"');
  await assert.rejects(async () => {
    for await (const _ of c.messages()) assert.fail('no message');
  }, /closed/);
});

test('bad options fail at construction with the reason', () => {
  const t = topic({ name: 'opts' });
  assert.throws(() => topic({ name: 'bad name!' }), /topic name/);
  assert.throws(() => topic({ name: 'x', partitions: 0 }), /partitions/);
  assert.throws(() => new Consumer(t, { connection: {} as Connection, group: '' }), /group/);
  assert.throws(() => new Consumer(t, { connection: {} as Connection, group: 'g', concurrency: 0 }), /concurrency/);
  assert.throws(() => new Consumer(t, { connection: {} as Connection, group: 'g', claimIdleMs: 100, heartbeatMs: 200 }), /heartbeatMs/);
  assert.throws(() => new Producer(t, { connection: {} as Connection, maxLen: -1 }), /maxLen/);
  // Counts and times go to Redis as integers: a fraction fails here, not as an error reply on every read.
  assert.throws(() => new Consumer(t, { connection: {} as Connection, group: 'g', concurrency: 2.5 }), /concurrency must be a whole number >= 1, got 2.5/);
  assert.throws(() => new Consumer(t, { connection: {} as Connection, group: 'g', blockMs: 1.5 }), /blockMs must be a whole number/);
  assert.throws(() => new Producer(t, { connection: {} as Connection, maxAgeMs: 0.5 }), /maxAgeMs must be a whole number/);
  assert.throws(() => new Producer(t, { connection: {} as Connection, dedupeWindowMs: 10.5 }), /dedupeWindowMs must be a whole number/);
  assert.throws(() => new Retention(t, {} as Connection, { maxAgeMs: 1.5 }), /maxAgeMs must be a whole number/);
});

/**
 * Ordered mode on every backend: each partition is handled by one consumer
 * at a time, per-key order holds while consumers join and leave, a failing
 * message holds its partition until it succeeds or is dead-lettered, and a
 * consumer that vanishes without stopping loses its partitions once its
 * lease runs out.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Connection } from '../../src/client/index.ts';
import { Consumer, DeadLetters, Producer, topic, type ConsumerEvent, type ConsumerOptions, type Handler } from '../../src/queue/index.ts';
import { useBackends } from '../support/backends.ts';
import { until } from '../support/until.ts';

type Step = { key: string; seq: number };

const fast: Partial<ConsumerOptions> = { mode: 'ordered', leaseMs: 300, backoffMs: 10, maxBackoffMs: 40, scanIntervalMs: 20, blockMs: 50 };

/** Per key, the sequence numbers in the order they were handled; fails on the first one that goes backwards. */
function assertPerKeyOrder(log: Step[], keys: number, perKey: number): void {
  const byKey = new Map<string, number[]>();
  for (const s of log) {
    const l = byKey.get(s.key) ?? [];
    if (l.length > 0) assert.ok(s.seq >= l[l.length - 1], `key ${s.key}: ${s.seq} handled after ${l[l.length - 1]}`);
    l.push(s.seq);
    byKey.set(s.key, l);
  }
  assert.equal(byKey.size, keys);
  for (const [key, l] of byKey) assert.deepEqual([...new Set(l)], Array.from({ length: perKey }, (_, i) => i), `key ${key}`);
}

let n = 0;
const backends = useBackends();

for (const b of backends) {
  describe(`ordered mode on ${b.name}`, () => {
    let conn: Connection;
    before(async () => {
      conn = await connect(b.url());
    });
    after(async () => {
      await conn?.close();
    });
    const fresh = (partitions: number) => topic<Step>({ name: `ord${++n}`, partitions });

    test('per-key order and one consumer per partition while consumers join and leave', async () => {
      const t = fresh(4);
      const producer = new Producer(t, { connection: conn });
      const KEYS = 12;
      const PER_KEY = 40;
      const log: Step[] = [];
      const active = new Map<number, string>();
      const owners = new Map<number, Set<string>>();
      const handler = (name: string): Handler<Step> => async (m) => {
        const other = active.get(m.partition);
        assert.equal(other, undefined, `partition ${m.partition} handled by ${other} and ${name} at once`);
        active.set(m.partition, name);
        owners.set(m.partition, (owners.get(m.partition) ?? new Set()).add(name));
        await new Promise((r) => setTimeout(r, Math.random() * 2));
        log.push(m.payload);
        active.delete(m.partition);
      };
      const consumers: Array<{ c: Consumer<Step>; running: Promise<void> }> = [];
      const join = (name: string) => {
        const c = new Consumer(t, { connection: conn, group: 'g', name, ...fast });
        consumers.push({ c, running: c.run(handler(name)) });
        return c;
      };
      const sendRound = (seq: number) => producer.sendBatch(Array.from({ length: KEYS }, (_, k) => ({ payload: { key: `k${k}`, seq }, key: `k${k}` })));
      const a = join('a');
      let seq = 0;
      for (; seq < 10; seq++) await sendRound(seq);
      await until(() => a.partitions.length === 4, 5000, 'a to hold every partition');
      join('b');
      join('c');
      for (; seq < 25; seq++) {
        await sendRound(seq);
        await new Promise((r) => setTimeout(r, 20));
      }
      await until(() => consumers.every(({ c }) => c.partitions.length > 0), 5000, 'partitions spread over a, b and c');
      await consumers[1].c.stop(); // b leaves
      await consumers[1].running;
      for (; seq < PER_KEY; seq++) await sendRound(seq);
      await until(() => new Set(log.map((s) => `${s.key}/${s.seq}`)).size === KEYS * PER_KEY, 10_000, 'every message');
      await Promise.all(consumers.map(({ c }) => c.stop()));
      await Promise.all(consumers.map(({ running }) => running));
      assertPerKeyOrder(log, KEYS, PER_KEY);
      assert.ok([...owners.values()].some((s) => s.size > 1), 'some partition changed hands');
      for (let p = 0; p < 4; p++) assert.equal(((await conn.send(['XPENDING', t.stream(p), 'g'])) as unknown[])[0], 0);
    });

    test('a failing message holds its partition: retried in place, then dead-lettered after maxDeliveries', async () => {
      const t = fresh(1);
      const producer = new Producer(t, { connection: conn });
      await producer.sendBatch([0, 1, 2, 3].map((seq) => ({ payload: { key: 'k', seq }, key: 'k' })));
      const calls: number[] = [];
      const c = new Consumer(t, { connection: conn, group: 'g', maxDeliveries: 3, ...fast });
      const running = c.run(async (m) => {
        calls.push(m.payload.seq);
        if (m.payload.seq === 1 && m.deliveries < 2) throw new Error('flaky');
        if (m.payload.seq === 2) throw new Error('poison');
      });
      await until(() => calls.includes(3), 5000, 'the last message');
      await c.stop();
      await running;
      assert.deepEqual(calls, [0, 1, 1, 2, 2, 2, 3]);
      const dead = await new DeadLetters(t as never, conn).list();
      assert.deepEqual(dead.map((d) => [JSON.parse(d.payloadText!), d.deliveries]), [[{ key: "k", seq: 2 }, 3]]);
    });

    test('a consumer that vanishes without stopping loses its partitions when its lease runs out', async () => {
      const t = fresh(2);
      const producer = new Producer(t, { connection: conn });
      const gone = await conn.duplicate();
      const seen: number[] = [];
      const zombie = new Consumer(t, { connection: gone, group: 'g', name: 'zombie', ...fast });
      let release!: () => void;
      const hung = new Promise<void>((r) => (release = r));
      const zombieRun = zombie.run(async (m) => {
        seen.push(m.payload.seq);
        await hung; // never finishes: the process hangs
      });
      await until(() => zombie.partitions.length === 2, 5000, 'the first consumer to hold both partitions');
      await producer.sendBatch([0, 1, 2].map((seq) => ({ payload: { key: 'k', seq }, key: 'k' })));
      await until(() => seen.length === 1, 5000, 'the hung handler to start');
      const events: ConsumerEvent[] = [];
      const heir = new Consumer(t, { connection: conn, group: 'g', name: 'heir', ...fast });
      heir.events.on((e) => events.push(e));
      const got: number[] = [];
      void gone.close(); // its renewals fail from now on
      const heirRun = heir.run((m) => void got.push(m.payload.seq));
      await until(() => got.length === 3, 5000, 'the heir to take over');
      assert.deepEqual(got, [0, 1, 2]);
      assert.ok(events.some((e) => e.type === 'reclaimed' && e.from === 'zombie'));
      await heir.stop();
      await heirRun;
      await zombie.stop();
      release(); // the hang ends: its ack fails on the dead link, and it stops
      await zombieRun;
    });
  });
}

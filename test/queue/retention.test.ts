/**
 * Safe retention, broadcast and observability on every backend: trimming
 * never removes what a group has not read or acked; every group gets every
 * message; lag, pending, oldest pending age and consumer idle times, also
 * as Prometheus metrics.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { connect, type Connection } from '../../src/client/index.ts';
import { Consumer, Producer, Retention, queueStats, registerQueueMetrics, topic, type ProducerEvent } from '../../src/queue/index.ts';
import { until } from '../support/until.ts';
import { useBackends } from '../support/backends.ts';


let n = 0;
const backends = useBackends();

for (const b of backends) {
  describe(`retention and stats on ${b.name}`, () => {
    let conn: Connection;
    before(async () => {
      conn = await connect(b.url());
    });
    after(async () => {
      await conn?.close();
    });

    test('trimming keeps what a group has not read or acked; preview says what would go', async () => {
      const t = topic({ name: `ret${++n}` });
      const ids = (await new Producer(t, { connection: conn }).sendBatch(Array.from({ length: 20 }, (_, i) => ({ payload: { i } })))).map((r) => r.id);
      const s = t.stream(0);
      await conn.send(['XGROUP', 'CREATE', s, 'fast', '0']);
      await conn.send(['XGROUP', 'CREATE', s, 'slow', '0']);
      await conn.send(['XREADGROUP', 'GROUP', 'fast', 'c', 'COUNT', 15, 'STREAMS', s, '>']);
      await conn.send(['XACK', s, 'fast', ...ids.slice(0, 15)]);
      await conn.send(['XREADGROUP', 'GROUP', 'slow', 'c', 'COUNT', 10, 'STREAMS', s, '>']);
      await conn.send(['XACK', s, 'slow', ...ids.slice(0, 5)]);
      const r = new Retention(t, conn, { maxLen: 3 });
      const preview = await r.preview();
      assert.deepEqual(preview, [{ partition: 0, removed: 5, keepFrom: ids[5], limitedBy: 'group:slow' }]);
      assert.equal(await conn.send(['XLEN', s]), 20, 'a preview removes nothing');
      assert.deepEqual(await r.apply(), preview);
      assert.equal(await conn.send(['XLEN', s]), 15);
      // Once the slow group has acked what it read, the unread entries still hold the line.
      await conn.send(['XACK', s, 'slow', ...ids.slice(5, 10)]);
      assert.deepEqual(await r.apply(), [{ partition: 0, removed: 5, keepFrom: ids[10], limitedBy: 'group:slow' }]);
      await conn.send(['XREADGROUP', 'GROUP', 'slow', 'c', 'STREAMS', s, '>']);
      await conn.send(['XREADGROUP', 'GROUP', 'fast', 'c', 'STREAMS', s, '>']);
      await conn.send(['XACK', s, 'slow', ...ids]);
      await conn.send(['XACK', s, 'fast', ...ids]);
      assert.deepEqual(await r.apply(), [{ partition: 0, removed: 7, keepFrom: ids[17], limitedBy: 'policy' }]);
      assert.equal(await conn.send(['XLEN', s]), 3);
      const [byAge] = await new Retention(t, conn, { maxAgeMs: 3_600_000 }).apply();
      assert.deepEqual([byAge.removed, byAge.limitedBy], [0, 'policy'], 'nothing is an hour old');
      assert.throws(() => new Retention(t, conn, {}), /maxLen or maxAgeMs/);
    });

    test('the cut-off a group sets is the first entry it has not read, across a millisecond boundary', async () => {
      const t = topic({ name: `retms${++n}` });
      const s = t.stream(0);
      for (const id of ['5-1', '5-2', '6-0', '6-1']) await conn.send(['XADD', s, id, 'p', '1']);
      await conn.send(['XGROUP', 'CREATE', s, 'g', '0']);
      await conn.send(['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', 2, 'STREAMS', s, '>']);
      await conn.send(['XACK', s, 'g', '5-1', '5-2']);
      assert.deepEqual(await new Retention(t, conn, { maxLen: 1 }).apply(), [{ partition: 0, removed: 2, keepFrom: '6-0', limitedBy: 'group:g' }]);
    });

    test('retention on write trims every trimEvery sends, never past what a group has not read or acked', async () => {
      const t = topic<{ i: number }>({ name: `retw${++n}`, partitions: 2 });
      const producer = new Producer(t, { connection: conn, maxLen: 5, trimEvery: 10 });
      const trims: ProducerEvent[] = [];
      producer.events.on((e) => trims.push(e));
      // No group yet: each trim cuts partition 0 to 5 entries (on sends 10, 20 and 30 to it).
      for (let i = 0; i < 30; i++) await producer.send({ i }, { key: 'a' });
      const p = t.partitionFor('a');
      await until(() => trims.length === 3, 5000, 'three trims');
      // (How many each trim removes depends on when it ran: on Cluster a first EVALSHA meets NOSCRIPT and goes again.)
      assert.deepEqual(trims.map((e) => e.type === 'trimmed' && [e.partition, e.limitedBy]), [[p, 'policy'], [p, 'policy'], [p, 'policy']]);
      assert.equal(trims.reduce((n, e) => n + (e.type === 'trimmed' ? e.removed : 0), 0), 25);
      assert.equal(await conn.send(['XLEN', t.stream(p)]), 5);
      // A group created after 9 more sends: the next trim (11 sends on) stops at the first entry it has not read.
      await producer.sendBatch(Array.from({ length: 9 }, (_, i) => ({ payload: { i: 30 + i }, key: 'a' })));
      await conn.send(['XGROUP', 'CREATE', t.stream(p), 'slow', '$']);
      const later = (await producer.sendBatch(Array.from({ length: 11 }, (_, i) => ({ payload: { i: 39 + i }, key: 'a' })))).map((r) => r.id);
      await until(() => trims.length === 4, 5000, 'a fourth trim');
      const unread = trims[3];
      assert.deepEqual(unread.type === 'trimmed' && [unread.removed, unread.keepFrom, unread.limitedBy], [14, later[0], 'group:slow']);
      // It reads 10 and acks 5: the next trim stops at the first one it has not acked.
      await conn.send(['XREADGROUP', 'GROUP', 'slow', 'c', 'COUNT', 10, 'STREAMS', t.stream(p), '>']);
      await conn.send(['XACK', t.stream(p), 'slow', ...later.slice(0, 5)]);
      await producer.sendBatch(Array.from({ length: 10 }, (_, i) => ({ payload: { i: 50 + i }, key: 'a' })));
      await until(() => trims.length === 5, 5000, 'a fifth trim');
      const unacked = trims[4];
      assert.deepEqual(unacked.type === 'trimmed' && [unacked.removed, unacked.keepFrom, unacked.limitedBy], [5, later[5], 'group:slow']);
      assert.equal(await conn.send(['XLEN', t.stream(p)]), 16);
      assert.equal(await conn.send(['XLEN', t.stream(1 - p)]), 0, 'the other partition got nothing');
      assert.throws(() => new Producer(t, { connection: conn, maxLen: 5, trimEvery: 0 }), /trimEvery/);
    });

    test('maxLen 0 removes every entry the groups are done with, and an idle stream\'s all', async () => {
      const t = topic({ name: `ret0${++n}` });
      const s = t.stream(0);
      for (const id of ['7-1', '7-2', '8-0']) await conn.send(['XADD', s, id, 'p', '1']);
      const none = new Retention(t, conn, { maxLen: 0 });
      assert.deepEqual(await none.preview(), [{ partition: 0, removed: 3, keepFrom: '8-1', limitedBy: 'policy' }]);
      await conn.send(['XGROUP', 'CREATE', s, 'g', '0']);
      await conn.send(['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', 2, 'STREAMS', s, '>']);
      await conn.send(['XACK', s, 'g', '7-1']);
      assert.deepEqual(await none.apply(), [{ partition: 0, removed: 1, keepFrom: '7-2', limitedBy: 'group:g' }]);
      await conn.send(['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', s, '>']);
      await conn.send(['XACK', s, 'g', '7-2', '8-0']);
      assert.deepEqual(await none.apply(), [{ partition: 0, removed: 2, keepFrom: '8-1', limitedBy: 'policy' }]);
      assert.equal(await conn.send(['XLEN', s]), 0);
      // Just past a sequence number beyond what a Lua number prints exactly (and no group to hold it back).
      await conn.send(['XGROUP', 'DESTROY', s, 'g']);
      await conn.send(['XADD', s, '9-99999999999999999', 'p', '1']);
      assert.deepEqual(await none.preview(), [{ partition: 0, removed: 1, keepFrom: '9-100000000000000000', limitedBy: 'policy' }]);
    });

    test('delayed messages wait until due, then are delivered once; at in the past delivers promptly', async () => {
      const t = topic<{ i: number }>({ name: `dl${++n}`, partitions: 2 });
      const producer = new Producer(t, { connection: conn });
      const sentAt = Date.now();
      const later = await producer.send({ i: 1 }, { delayMs: 400, key: 'a' });
      assert.ok(later.dueAt! >= sentAt + 400);
      await producer.send({ i: 2 }, { at: new Date(Date.now() - 1000), key: 'b' });
      await producer.send({ i: 3 }, { key: 'c' });
      await producer.send({ i: 3 }, { delayMs: 400, key: 'a' }); // same payload as a now-message: still its own message
      const got: Array<[number, number]> = [];
      const c = new Consumer(t, { connection: conn, group: 'g', blockMs: 50, scanIntervalMs: 20 });
      const running = c.run(async (m) => void got.push([m.payload.i, Date.now() - sentAt]));
      await until(() => got.length === 4, 5000, 'four messages');
      await c.stop();
      await running;
      const byValue = got.map(([i]) => i).sort();
      assert.deepEqual(byValue, [1, 2, 3, 3]);
      for (const [i, at] of got.filter(([i]) => i === 1)) assert.ok(at >= 390, `message ${i} came after ${at} ms, before it was due`);
      assert.ok(got.filter(([i]) => i === 2)[0][1] < 390, 'a message due in the past is not held back');
      assert.equal(await conn.send(['ZCARD', `${t.stream(t.partitionFor('a'))}:delayed`]), 0);
      await assert.rejects(producer.send({ i: 9 }, { delayMs: -1 }), /delayMs/);
      await assert.rejects(producer.send({ i: 9 }, { delayMs: 5, idempotencyKey: 'k' }), /idempotency/);
    });

    test('broadcast: every group gets every message; stats and Prometheus metrics show lag, pending and age', async () => {
      const t = topic({ name: `bc${++n}`, partitions: 2 });
      await new Producer(t, { connection: conn }).sendBatch(Array.from({ length: 10 }, (_, i) => ({ payload: { i }, key: `k${i}` })));
      const got = { audit: [] as number[], billing: [] as number[] };
      const consumers = (['audit', 'billing'] as const).map((g) => new Consumer(t, { connection: conn, group: g, blockMs: 50, scanIntervalMs: 20 }));
      const runs = consumers.map((c, k) => c.run(async (m) => void got[k === 0 ? 'audit' : 'billing'].push((m.payload as { i: number }).i)));
      await until(() => got.audit.length === 10 && got.billing.length === 10, 5000, 'both groups');
      await Promise.all(consumers.map((c) => c.stop()));
      await Promise.all(runs);
      assert.deepEqual([...got.audit].sort((a, z) => a - z), [...got.billing].sort((a, z) => a - z));

      // A third group that read without acking: pending and age show up.
      const s = t.stream(0);
      await conn.send(['XGROUP', 'CREATE', s, 'stuck', '0']);
      const read = (await conn.send(['XREADGROUP', 'GROUP', 'stuck', 'w1', 'COUNT', 2, 'STREAMS', s, '>'])) as Array<[string, unknown[]]>;
      const stats = await queueStats(t, conn);
      const p0 = stats[0];
      assert.equal(p0.length + stats[1].length, 10);
      const stuck = p0.groups.find((g) => g.name === 'stuck')!;
      assert.equal(stuck.pending, read[0][1].length);
      assert.equal(stuck.lag, p0.length - read[0][1].length);
      assert.ok(stuck.oldestPendingAgeMs >= 0 && stuck.oldestPendingAgeMs < 60_000);
      assert.deepEqual(stuck.consumers.map((c) => [c.name, c.pending]), [['w1', read[0][1].length]]);
      assert.equal(p0.groups.find((g) => g.name === 'audit')!.lag, 0);

      const registry = new Registry();
      registerQueueMetrics(registry, conn, [t]);
      const text = await registry.metrics();
      assert.match(text, new RegExp(`brook_queue_group_pending\\{topic="${t.name}",partition="0",group="stuck"\\} ${stuck.pending}`));
      assert.match(text, /brook_queue_length\{topic="bc\d+",partition="1"\} \d+/);
      assert.match(text, /brook_queue_consumer_idle_seconds\{[^}]*consumer="w1"\} [\d.e-]+/);
    });
  });
}

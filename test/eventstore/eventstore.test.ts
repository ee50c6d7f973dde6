/**
 * The event store's conformance suite, on the embedded engine, a real
 * redis-server and brook server: expected versions, idempotent appends,
 * reads both ways, the merged global log, deciders with retries under 50
 * concurrent writers, snapshots and time travel, upcasters, subscriptions
 * with checkpoints and dead letters, projections inline / async / rebuilt,
 * delete and archive.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Connection } from '../../src/client/index.ts';
import {
  CommandHandler,
  EventStore,
  EventStoreErrorCode,
  Subscription,
  WrongExpectedVersionError,
  inlineProjection,
  isEventStoreError,
  projectionKey,
  rebuildProjection,
  runProjection,
  type Decider,
  type Projection,
  type RecordedEvent,
} from '../../src/eventstore/index.ts';
import { deciderSpec, projectionSpec } from '../../src/eventstore/testing.ts';
import { until } from '../support/until.ts';
import { useBackends } from '../support/backends.ts';


// A counter aggregate: the decider every test below uses.
type CounterEvent = { type: 'Opened'; data: { by: string } } | { type: 'Added'; data: { n: number } } | { type: 'Closed'; data: null };
type CounterCommand = { kind: 'open'; by: string } | { kind: 'add'; n: number } | { kind: 'close' };
interface CounterState {
  open: boolean;
  closed: boolean;
  total: number;
}
const counter: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: { open: false, closed: false, total: 0 },
  decide(c, s) {
    if (s.closed) throw new Error('counter is closed');
    if (c.kind === 'open') return s.open ? [] : [{ type: 'Opened', data: { by: c.by } }];
    if (!s.open) throw new Error('counter is not open');
    if (c.kind === 'add') return [{ type: 'Added', data: { n: c.n } }];
    return [{ type: 'Closed', data: null }];
  },
  evolve(s, e) {
    if (e.type === 'Opened') return { ...s, open: true };
    if (e.type === 'Added') return { ...s, total: s.total + e.data.n };
    return { ...s, closed: true };
  },
};

test('given/when/then on the decider', () => {
  const spec = deciderSpec(counter);
  spec.given([]).when({ kind: 'open', by: 'ann' }).then([{ type: 'Opened', data: { by: 'ann' } }]);
  spec.given([{ type: 'Opened', data: { by: 'ann' } }]).when({ kind: 'open', by: 'bob' }).then([]);
  spec.given([]).when({ kind: 'add', n: 1 }).thenThrows(/not open/);
  spec.given([{ type: 'Opened', data: { by: 'a' } }, { type: 'Added', data: { n: 2 } }]).when({ kind: 'add', n: 3 }).thenState({ open: true, closed: false, total: 5 });
  assert.throws(() => spec.given([]).when({ kind: 'open', by: 'x' }).then([]), /Expected values to be strictly deep-equal/);
});

let n = 0;
const backends = useBackends();

for (const b of backends) {
  describe(`event store on ${b.name}`, () => {
    let conn: Connection;
    before(async () => {
      conn = await connect(b.url());
    });
    after(async () => {
      await conn?.close();
    });
    const fresh = (partitions = 4, extra: Partial<ConstructorParameters<typeof EventStore>[0]> = {}) =>
      new EventStore({ connection: conn, prefix: `es${++n}:`, partitions, ...extra });

    test('expected versions: no-stream, exact, exists, any; conflicts carry the actual version', async () => {
      const s = fresh();
      const r1 = await s.append('acc-1', [{ type: 'Opened', data: { by: 'ann' } }], { expectedVersion: 'no-stream' });
      assert.equal(r1.version, 1);
      await assert.rejects(s.append('acc-1', [{ type: 'Opened', data: {} }], { expectedVersion: 'no-stream' }), (e: unknown) => {
        assert.ok(e instanceof WrongExpectedVersionError);
        assert.equal(e.actual, 1);
        return true;
      });
      const r2 = await s.append('acc-1', [{ type: 'Added', data: { n: 1 } }, { type: 'Added', data: { n: 2 } }], { expectedVersion: 1 });
      assert.equal(r2.version, 3);
      await assert.rejects(s.append('acc-1', [{ type: 'Added', data: { n: 1 } }], { expectedVersion: 1 }), /expected version 1, actual 3/);
      await assert.rejects(s.append('acc-2', [{ type: 'Added', data: {} }], { expectedVersion: 'exists' }), WrongExpectedVersionError);
      assert.equal((await s.append('acc-1', [{ type: 'Added', data: { n: 4 } }], { expectedVersion: 'exists' })).version, 4);
      assert.equal((await s.append('acc-1', [{ type: 'Added', data: { n: 5 } }])).version, 5);
      assert.equal(await s.streamVersion('acc-1'), 5);
      assert.equal(await s.streamVersion('nope'), 0);
      await assert.rejects(s.append('acc-1', []), (e: unknown) => isEventStoreError(e, EventStoreErrorCode.BadArgument));
      await assert.rejects(s.append('a{b}', [{ type: 'X', data: 1 }]), /braces/);
      await assert.rejects(s.append('acc-1', [{ type: 'X', data: 1 }], { expectedVersion: -2 }), /expectedVersion/);
    });

    test('an append retried with the same ids is a no-op returning the original positions', async () => {
      const s = fresh();
      const events = [{ id: 'e1', type: 'Opened', data: { by: 'x' } }, { id: 'e2', type: 'Added', data: { n: 1 } }];
      const first = await s.append('idem', events, { expectedVersion: 'no-stream' });
      const again = await s.append('idem', events, { expectedVersion: 'no-stream' });
      assert.equal(again.duplicate, true);
      assert.deepEqual(again.positions, first.positions);
      assert.equal(again.version, 2);
      assert.equal((await s.readStream('idem')).length, 2);
      await assert.rejects(s.append('idem', [{ id: 'e1', type: 'A', data: 1 }, { id: 'e9', type: 'A', data: 1 }]), (e: unknown) =>
        isEventStoreError(e, EventStoreErrorCode.IdempotencyMismatch));
      await assert.rejects(s.append('idem', [{ id: 'z', type: 'A', data: 1 }, { id: 'z', type: 'A', data: 1 }]), /twice/);
    });

    test('reads forwards and backwards, with from/to/count; metadata survives', async () => {
      const s = fresh();
      const events = Array.from({ length: 25 }, (_, i) => ({ type: 'Added', data: { n: i + 1 }, correlationId: 'c1', causationId: `k${i}`, metadata: { user: 'ann' } }));
      await s.append('r', events);
      const all = await s.readStream('r');
      assert.deepEqual(all.map((e) => e.version), Array.from({ length: 25 }, (_, i) => i + 1));
      assert.equal(all[3].correlationId, 'c1');
      assert.equal(all[3].causationId, 'k3');
      assert.deepEqual(all[3].metadata, { user: 'ann' });
      assert.ok(all[0].timestamp > Date.now() - 60_000 && all[0].timestamp <= Date.now() + 1000);
      assert.deepEqual((await s.readStream('r', { from: 10, to: 12 })).map((e) => e.data), [{ n: 10 }, { n: 11 }, { n: 12 }]);
      assert.deepEqual((await s.readStream('r', { direction: 'backwards', count: 3 })).map((e) => e.version), [25, 24, 23]);
      assert.deepEqual((await s.readStream('r', { direction: 'backwards', from: 5 })).map((e) => e.version), [5, 4, 3, 2, 1]);
      assert.deepEqual(await s.readStream('missing'), []);
    });

    test('the global log merges partitions in one deterministic order; reads resume from a checkpoint or a time', async () => {
      const s = fresh(4);
      const streams = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
      for (let round = 0; round < 5; round++) {
        for (const st of streams) await s.append(st, [{ type: 'Added', data: { st, round } }]);
      }
      assert.ok(new Set(streams.map((x) => s.keys.partitionOf(x))).size > 1, 'streams spread over partitions');
      const { events } = await s.readAll({ count: 1000 });
      assert.equal(events.length, 40);
      // Within a stream, versions in order; overall, a stable order shared by every reader.
      for (const st of streams) assert.deepEqual(events.filter((e) => e.stream === st).map((e) => e.version), [1, 2, 3, 4, 5]);
      let cp = undefined as undefined | Record<number, string>;
      const paged: RecordedEvent[] = [];
      for (;;) {
        const page = await s.readAll({ after: cp, count: 7 });
        if (page.events.length === 0) break;
        paged.push(...page.events);
        cp = page.checkpoint;
      }
      assert.deepEqual(paged.map((e) => `${e.stream}:${e.version}`), events.map((e) => `${e.stream}:${e.version}`));
      const mid = events[20].timestamp;
      const fromTime = await s.readAll({ fromTime: mid });
      assert.ok(fromTime.events.every((e) => e.timestamp >= mid));
      assert.ok(fromTime.events.length >= 20);
    });

    test('50 concurrent writers on one aggregate: no lost update, every conflict retried, versions without gaps', async () => {
      const s = fresh();
      const h = new CommandHandler(s, counter, { maxAttempts: 200 });
      await h.handle('hot', { kind: 'open', by: 'ann' });
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => h.handle('hot', { kind: 'add', n: i + 1 })));
      const conflicts = results.reduce((a, r) => a + r.conflicts, 0);
      const events = await s.readStream('hot');
      assert.equal(events.length, 51);
      assert.deepEqual(events.map((e) => e.version), Array.from({ length: 51 }, (_, i) => i + 1));
      assert.equal((await h.load('hot')).state.total, (50 * 51) / 2);
      assert.ok(conflicts > 0, 'concurrent writers met conflicts');
      assert.equal(new Set(results.map((r) => r.version)).size, 50, 'each append got its own version');
    });

    test('snapshots: taken every N, used on load, ignored for another evolve version; time travel', async () => {
      const s = fresh();
      const h = new CommandHandler(s, counter, { snapshotEvery: 10 });
      await h.handle('snap', { kind: 'open', by: 'x' });
      for (let i = 1; i <= 24; i++) await h.handle('snap', { kind: 'add', n: i });
      const snap = await s.loadSnapshot<CounterState>('snap');
      assert.equal(snap?.version, 20);
      const loaded = await h.load('snap');
      assert.equal(loaded.fromSnapshot, 20);
      assert.equal(loaded.version, 25);
      assert.equal(loaded.state.total, 300);
      const v2 = new CommandHandler(s, counter, { evolveVersion: 2 });
      const rebuilt = await v2.load('snap');
      assert.equal(rebuilt.fromSnapshot, 0, 'a snapshot of another evolve version is ignored');
      assert.equal(rebuilt.state.total, 300);
      assert.equal((await h.load('snap', { atVersion: 5 })).state.total, 10);
      assert.equal((await h.load('snap', { atVersion: 22 })).state.total, 231);
      assert.equal((await h.load('snap', { atVersion: 22 })).fromSnapshot, 20);
      await v2.snapshot('snap');
      assert.equal((await v2.load('snap')).fromSnapshot, 25);
    });

    test('upcasters apply on read, in a chain', async () => {
      const s0 = fresh();
      await s0.append('u', [{ type: 'NameSet', data: { name: 'Ann Lee' } }, { type: 'NameSet', data: { first: 'Bo', last: 'X' }, schemaVersion: 2 }]);
      const s = new EventStore({
        connection: conn, prefix: s0.keys.prefix, partitions: 4,
        upcasters: [
          { type: 'NameSet', fromVersion: 1, upcast: (d: { name: string }) => ({ data: { first: d.name.split(' ')[0], last: d.name.split(' ')[1] } }) },
          { type: 'NameSet', fromVersion: 2, upcast: (d: { first: string; last: string }) => ({ type: 'NameChanged', data: { full: `${d.first} ${d.last}` } }) },
        ],
      });
      const read = await s.readStream('u');
      assert.deepEqual(read.map((e) => [e.type, e.data, e.schemaVersion]), [['NameChanged', { full: 'Ann Lee' }, 3], ['NameChanged', { full: 'Bo X' }, 3]]);
      assert.deepEqual((await s.readAll()).events.map((e) => e.type), ['NameChanged', 'NameChanged']);
    });

    test('a subscription catches up, goes live, resumes from its checkpoint, and dead-letters a failing event', async () => {
      const s = fresh(3);
      for (let i = 0; i < 30; i++) await s.append(`sub-${i % 5}`, [{ type: i === 7 ? 'Poison' : 'Added', data: { i } }]);
      const seen: number[] = [];
      const sub = new Subscription(s, {
        name: 'counter', batchSize: 8, blockMs: 50, maxAttempts: 3, backoffMs: 1,
        handler: (e, ctx) => {
          if (e.type === 'Poison') throw new Error('cannot handle');
          seen.push((e.data as { i: number }).i);
          ctx.tx.push(['INCR', `${s.keys.prefix}{es:cp}:count`]);
        },
      });
      await sub.caughtUp;
      assert.equal(seen.length, 29);
      for (let i = 30; i < 40; i++) await s.append(`sub-${i % 5}`, [{ type: 'Added', data: { i } }]);
      await until(() => seen.length === 39, 5000, 'live events');
      await sub.stop();
      assert.equal(sub.deadLettered, 1);
      const dlq = (await conn.send(['XRANGE', sub.deadLetterKey, '-', '+'])) as Array<[string, string[]]>;
      assert.equal(dlq.length, 1);
      assert.ok(dlq[0][1].includes('Error: cannot handle'));
      assert.equal(await conn.send(['GET', `${s.keys.prefix}{es:cp}:count`]), '39');
      // Per stream, the subscription saw versions in order.
      for (let k = 0; k < 5; k++) {
        const mine = seen.filter((i) => i % 5 === k);
        assert.deepEqual(mine, [...mine].sort((a, b) => a - b));
      }
      // A new subscription with the same name resumes after the checkpoint.
      await s.append('sub-0', [{ type: 'Added', data: { i: 100 } }]);
      const later: number[] = [];
      const again = new Subscription(s, { name: 'counter', blockMs: 50, handler: (e) => void later.push((e.data as { i: number }).i) });
      await again.caughtUp;
      await again.stop();
      assert.deepEqual(later, [100]);
      assert.equal(await conn.send(['GET', `${s.keys.prefix}{es:cp}:count`]), '39');
    });

    test('projections: async into Redis hashes, inline, rebuild from zero; given/then helper', async () => {
      const s = fresh(2);
      const totals = projectionKey(s, 'totals');
      const projection: Projection = {
        name: 'totals',
        handlers: {
          Added: (e, ctx) => void ctx.tx.push(['HINCRBY', totals, e.stream, (e.data as { n: number }).n]),
        },
        reset: async (c) => void (await c.send(['DEL', totals])),
      };
      for (let i = 1; i <= 10; i++) await s.append(`p-${i % 3}`, [{ type: 'Added', data: { n: i } }]);
      const run = runProjection(s, projection, { blockMs: 50 });
      await run.caughtUp;
      const expectTotals = async () => {
        const h = (await conn.send(['HGETALL', totals])) as string[];
        const sum = h.filter((_, i) => i % 2 === 1).reduce((a, x) => a + Number(x), 0);
        return sum;
      };
      assert.equal(await expectTotals(), 55);
      await run.stop();
      await conn.send(['HSET', totals, 'p-0', '999999']); // the read model gets corrupted
      const rebuilt = await rebuildProjection(s, projection, { blockMs: 50 });
      await rebuilt.caughtUp;
      await rebuilt.stop();
      assert.equal(await expectTotals(), 55);

      const inlineKey = projectionKey(s, 'inline');
      const detach = inlineProjection(s, { name: 'inline', handlers: { Added: (e, ctx) => void ctx.tx.push(['INCRBY', inlineKey, (e.data as { n: number }).n]) } });
      await s.append('p-9', [{ type: 'Added', data: { n: 5 } }, { type: 'Added', data: { n: 6 } }]);
      assert.equal(await conn.send(['GET', inlineKey]), '11', 'visible as soon as append resolves');
      detach();

      const specKey = projectionKey(s, 'spec');
      await projectionSpec({ name: 'spec', handlers: { Added: (e, ctx) => void ctx.tx.push(['INCRBY', specKey, (e.data as { n: number }).n]) } }, conn)
        .given([{ type: 'Added', data: { n: 2 } }, { type: 'Other', data: null }, { type: 'Added', data: { n: 3 } }])
        .then(async (c) => assert.equal(await c.send(['GET', specKey]), '5'));
    });

    test('delete and archive a closed stream without breaking readers of the global log', async () => {
      const s = fresh(2);
      await s.append('closed', [{ type: 'Opened', data: { by: 'a' } }, { type: 'Closed', data: null }]);
      await s.append('other', [{ type: 'Opened', data: { by: 'b' } }]);
      const archived: RecordedEvent[] = [];
      await assert.rejects(s.deleteStream('closed', { expectedVersion: 1 }), WrongExpectedVersionError);
      assert.equal(await s.archiveStream('closed', (evs) => void archived.push(...evs)), 2);
      assert.equal(archived.length, 2);
      assert.deepEqual(await s.readStream('closed'), []);
      await assert.rejects(s.append('closed', [{ type: 'Added', data: 1 }]), (e: unknown) => isEventStoreError(e, EventStoreErrorCode.StreamDeleted));
      const { events } = await s.readAll();
      assert.deepEqual(events.map((e) => e.stream).sort(), ['closed', 'closed', 'other']);
    });
  });
}

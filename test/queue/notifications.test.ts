/**
 * Notifications (pub/sub fan-out) on every backend: every subscriber gets
 * every message in publish order, publish() counts the receivers, invalid
 * messages are reported and not delivered, unsubscribe stops delivery.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { connect, type Connection } from '../../src/client/index.ts';
import { Notifications, isQueueError, type Notification } from '../../src/queue/index.ts';
import { useBackends } from '../support/backends.ts';
import { until } from '../support/until.ts';

const Price = v.object({ sku: v.string(), cents: v.number() });
type Price = v.InferOutput<typeof Price>;

let n = 0;
for (const b of useBackends()) {
  describe(`notifications on ${b.name}`, () => {
    let conn: Connection;
    before(async () => {
      conn = await connect(b.url());
    });
    after(async () => {
      await conn?.close();
    });

    test('fan-out to every subscriber, in order, typed and validated', async () => {
      const invalid: string[] = [];
      const prices = new Notifications(conn, { name: `prices${++n}`, schema: Price, onInvalid: (_raw, reason) => invalid.push(reason) });
      const a: Notification<Price>[] = [];
      const bs: number[] = [];
      const stopA = await prices.subscribe((m) => void a.push(m));
      const stopB = await prices.subscribe((m) => void bs.push(m.payload.cents));
      // On Cluster, PUBLISH counts only the receiving node's subscribers.
      const receivers = (k: number) => (conn.features.cluster ? undefined : k);
      for (let i = 0; i < 50; i++) {
        const r = await prices.publish({ sku: 'tea', cents: i }, { traceparent: 't' });
        if (receivers(2) !== undefined) assert.equal(r, 2);
      }
      await conn.send(['PUBLISH', prices.channel, '{"p":{"sku":1}}']);
      await conn.send(['PUBLISH', prices.channel, 'not json']);
      await prices.publish({ sku: 'last', cents: 50 });
      await until(() => a.length === 51 && bs.length === 51, 5000, 'every notification on both subscribers');
      assert.deepEqual(a.map((m) => m.payload.cents), Array.from({ length: 51 }, (_, i) => i));
      assert.deepEqual(bs, Array.from({ length: 51 }, (_, i) => i));
      assert.deepEqual(a[0].headers, { traceparent: 't' });
      assert.equal(invalid.length, 4, 'the two bad messages, reported by each subscriber');
      await assert.rejects(prices.publish({ sku: 'x' } as never), (e) => isQueueError(e, 'INVALID_PAYLOAD'));
      await stopA();
      const one = await prices.publish({ sku: 'tea', cents: 99 });
      if (receivers(1) !== undefined) assert.equal(one, 1);
      await until(() => bs.length === 52, 5000, 'b to get the last one');
      assert.equal(a.length, 51);
      await stopB();
      const none = await prices.publish({ sku: 'tea', cents: 100 });
      if (receivers(0) !== undefined) assert.equal(none, 0);
    });

    test('a throwing handler is reported and later notifications still arrive', async () => {
      const errors: unknown[] = [];
      const pings = new Notifications<number>(conn, { name: `pings${++n}`, onError: (e) => errors.push(e) });
      const got: number[] = [];
      const stop = await pings.subscribe((m) => {
        if (m.payload === 1) throw new Error('boom');
        got.push(m.payload);
      });
      for (const i of [0, 1, 2]) await pings.publish(i);
      await until(() => got.length === 2, 5000, 'two notifications');
      assert.deepEqual(got, [0, 2]);
      assert.equal(errors.length, 1);
      await stop();
    });
  });
}

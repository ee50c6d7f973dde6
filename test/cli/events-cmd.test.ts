/**
 * `brook events read | log | append` run as a user runs them (bin/brook.mjs
 * in a child process) against brook server holding an event store.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Connection } from '../../src/client/index.ts';
import { EventStore, type AppendResult, type RecordedEvent } from '../../src/eventstore/index.ts';
import { startBrookInProcess, type InProcessServer } from '../support/brook-server.ts';
import { brook as runBrook } from '../support/cli.ts';

let server: InProcessServer;
let conn: Connection;
let url: string;
const brook = (...args: string[]) => runBrook(url, ...args);

before(async () => {
  server = await startBrookInProcess();
  url = `redis://127.0.0.1:${server.port}`;
  conn = await connect(url);
  const store = new EventStore({ connection: conn });
  await store.append('order-1', [{ type: 'OrderPlaced', data: { total: 30 } }, { type: 'ItemAdded', data: { sku: 'tea' } }]);
  await store.append('order-2', [{ type: 'OrderPlaced', data: { total: 12 } }]);
  await store.append('order-1', [{ type: 'OrderShipped', data: {} }]);
});

after(async () => {
  await conn?.close();
  await server?.stop();
});

test('brook events read: a stream in version order, a range, backwards, as JSON', async () => {
  const r = await brook('events', 'read', 'order-1');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^order-1 v1 \d{4}-\d\d-\d\dT[\d:.]+Z OrderPlaced \{"total":30\}$/);
  assert.match(lines[2], / OrderShipped \{\}$/);
  const back = JSON.parse((await brook('events', 'read', 'order-1', '--backwards', '--limit', '2', '--json')).stdout) as RecordedEvent[];
  assert.deepEqual(back.map((e) => e.version), [3, 2]);
  const range = JSON.parse((await brook('events', 'read', 'order-1', '--from', '2', '--to', '2', '--json')).stdout) as RecordedEvent[];
  assert.deepEqual(range.map((e) => e.type), ['ItemAdded']);
  assert.equal((await brook('events', 'read', 'nobody')).stdout.trim(), "no events in stream 'nobody'");
});

test('brook events log: across streams in append order, filtered by type and stream, since a time', async () => {
  const all = JSON.parse((await brook('events', 'log', '--json')).stdout) as RecordedEvent[];
  assert.deepEqual(all.map((e) => `${e.stream}/${e.type}`), ['order-1/OrderPlaced', 'order-1/ItemAdded', 'order-2/OrderPlaced', 'order-1/OrderShipped']);
  const placed = JSON.parse((await brook('events', 'log', '--type', 'OrderPlaced', '--type', 'OrderShipped', '--json')).stdout) as RecordedEvent[];
  assert.deepEqual(placed.map((e) => `${e.stream}/${e.type}`), ['order-1/OrderPlaced', 'order-2/OrderPlaced', 'order-1/OrderShipped']);
  const two = JSON.parse((await brook('events', 'log', '--stream', 'order-2', '--json')).stdout) as RecordedEvent[];
  assert.deepEqual(two.map((e) => e.version), [1]);
  assert.equal((await brook('events', 'log', '--since', new Date(Date.now() + 60_000).toISOString())).stdout.trim(), 'no events');
  assert.equal(JSON.parse((await brook('events', 'log', '--limit', '1', '--json')).stdout).length, 1);
});

test('brook events append: expected version checked, the same id twice appends once, bad input refused', async () => {
  const unsure = await brook('events', 'append', 'order-2', 'OrderPaid', '{"amount":12}');
  assert.equal(unsure.code, 2);
  assert.match(unsure.stderr, /give --partitions/);
  const ok = await brook('events', 'append', 'order-2', 'OrderPaid', '{"amount":12}', '--partitions', '4', '--expected-version', '1', '--id', 'pay-1', '--json');
  assert.equal(ok.code, 0, ok.stderr);
  const appended = JSON.parse(ok.stdout) as AppendResult;
  assert.deepEqual([appended.version, appended.duplicate, appended.positions.length], [2, false, 1]);
  const again = await brook('events', 'append', 'order-2', 'OrderPaid', '{"amount":12}', '--partitions', '4', '--id', 'pay-1');
  assert.equal(again.stdout.trim(), "already stored: 'order-2' is at version 2");
  const stale = await brook('events', 'append', 'order-2', 'OrderPaid', '{}', '--partitions', '4', '--expected-version', '1');
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /^brook events append: .*version/i);
  const notJson = await brook('events', 'append', 'order-2', 'OrderPaid', '{oops', '--partitions', '4');
  assert.equal(notJson.code, 2);
  assert.match(notJson.stderr, /not JSON/);
  const badVersion = await brook('events', 'append', 'order-2', 'X', '{}', '--partitions', '4', '--expected-version', 'soon');
  assert.equal(badVersion.code, 2);
  assert.equal(await new EventStore({ connection: conn }).streamVersion('order-2'), 2, 'nothing else was appended');
});

test('a store made with more partitions than given is refused, not misread', async () => {
  const keys = new EventStore({ connection: conn }).keys;
  const highest = Math.max(keys.partitionOf('order-1'), keys.partitionOf('order-2'));
  assert.ok(highest >= 1, 'the streams are not all in partition 0');
  const r = await brook('events', 'read', 'order-1', '--partitions', String(highest));
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`more than ${highest} partitions`));
});

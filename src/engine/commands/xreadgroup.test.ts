import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorReply, MapReply, NULL_ARRAY, type Reply } from '../reply.ts';
import { testEngine } from '../testing/helpers.ts';

const entries = (r: Reply) => ((r as MapReply).entries[1] as Reply[]).map((e) => (e as Reply[])[0]);

test('BLOCK readers are woken by XADD in FIFO order, one entry each with COUNT 1', async () => {
  const t = testEngine();
  t.run('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  const a = t.engine.createSession();
  const b = t.engine.createSession();
  const pa = a.call(['XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>']);
  const pb = b.call(['XREADGROUP', 'GROUP', 'g', 'b', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>']);
  assert.ok(pa instanceof Promise && pb instanceof Promise);
  t.run('XADD', 's', '1-0', 'f', 'v');
  assert.deepEqual(entries(await pa), ['1-0']);
  t.run('XADD', 's', '2-0', 'f', 'v');
  assert.deepEqual(entries(await pb), ['2-0']);
  t.close();
});

test('BLOCK with a timeout answers a null array; inside MULTI it answers at once', async () => {
  const t = testEngine();
  t.run('XADD', 's', '1-0', 'f', 'v');
  const started = Date.now();
  const r = await t.session.call(['XREAD', 'BLOCK', '30', 'STREAMS', 's', '$']);
  assert.equal(r, NULL_ARRAY);
  assert.ok(Date.now() - started >= 25);
  t.run('MULTI');
  t.run('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
  assert.deepEqual(t.run('EXEC'), [NULL_ARRAY]);
  t.close();
});

test('a blocked XREADGROUP learns when its group is destroyed or its key deleted', async () => {
  const t = testEngine();
  t.run('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  const a = t.engine.createSession();
  const p1 = a.call(['XREADGROUP', 'GROUP', 'g', 'a', 'BLOCK', '0', 'STREAMS', 's', '>']);
  t.run('XGROUP', 'DESTROY', 's', 'g');
  assert.equal((await p1 as ErrorReply).message, 'NOGROUP the consumer group this client was blocked on no longer exists');
  t.run('XGROUP', 'CREATE', 's', 'g', '$');
  const p2 = a.call(['XREADGROUP', 'GROUP', 'g', 'a', 'BLOCK', '0', 'STREAMS', 's', '>']);
  t.run('DEL', 's');
  assert.equal((await p2 as ErrorReply).message, 'UNBLOCKED the stream key no longer exists');
  t.close();
});

test('a blocked read can be cancelled by its caller', async () => {
  const t = testEngine();
  const p = t.session.call(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$']);
  assert.ok(t.session.unblock());
  assert.equal(await p, NULL_ARRAY);
  assert.equal(t.session.unblock(), false);
  t.close();
});

test('re-reading the PEL counts deliveries; deleted entries come back as nil', () => {
  const t = testEngine();
  t.run('XADD', 's', '1-0', 'f', 'v');
  t.run('XADD', 's', '2-0', 'f', 'v');
  t.run('XGROUP', 'CREATE', 's', 'g', '0');
  t.run('XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>');
  t.run('XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '0');
  t.run('XDEL', 's', '2-0');
  const r = t.run('XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '0') as MapReply;
  assert.deepEqual(r.entries[1], [['1-0', ['f', 'v']], ['2-0', NULL_ARRAY]]);
  const pending = t.run('XPENDING', 's', 'g', '-', '+', '10') as Reply[][];
  assert.deepEqual(pending.map((p) => [p[0], p[3]]), [['1-0', 3], ['2-0', 2]]);
  t.close();
});

test('XCLAIM and XAUTOCLAIM move ownership, count deliveries and drop deleted entries', () => {
  const t = testEngine(1000);
  for (let i = 1; i <= 3; i++) t.run('XADD', 's', `${i}-0`, 'f', 'v');
  t.run('XGROUP', 'CREATE', 's', 'g', '0');
  t.run('XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>');
  t.clock.now = 1500;
  assert.deepEqual(t.run('XCLAIM', 's', 'g', 'b', '1000', '1-0'), [], 'not idle long enough');
  t.clock.now = 3000;
  assert.deepEqual(t.run('XCLAIM', 's', 'g', 'b', '1000', '1-0', 'JUSTID'), ['1-0']);
  t.run('XDEL', 's', '2-0');
  const r = t.run('XAUTOCLAIM', 's', 'g', 'c', '1000', '0') as Reply[];
  assert.deepEqual(r, ['0-0', [['3-0', ['f', 'v']]], ['2-0']]);
  const pending = t.run('XPENDING', 's', 'g', '-', '+', '10') as Reply[][];
  assert.deepEqual(pending.map((p) => [p[0], p[1], p[3]]), [['1-0', 'b', 1], ['3-0', 'c', 2]]);
  t.close();
});

test('lag is null while a tombstone lies ahead of the group, and XGROUP SETID backwards redelivers', () => {
  const t = testEngine();
  for (let i = 1; i <= 4; i++) t.run('XADD', 's', `${i}-0`, 'f', 'v');
  t.run('XGROUP', 'CREATE', 's', 'g', '0');
  t.run('XDEL', 's', '3-0');
  const lag = () => ((t.run('XINFO', 'GROUPS', 's') as MapReply[])[0].entries[11]);
  assert.equal(lag(), null);
  t.run('XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>');
  assert.equal(lag(), 0);
  t.run('XGROUP', 'SETID', 's', 'g', '1-0');
  const again = t.run('XREADGROUP', 'GROUP', 'g', 'b', 'STREAMS', 's', '>') as MapReply;
  assert.deepEqual(entries(again), ['2-0', '4-0']);
  t.close();
});

test('WATCH is invalidated by writes to the stream, not by XREADGROUP or XACK', () => {
  const t = testEngine();
  t.run('XADD', 's', '1-0', 'f', 'v');
  t.run('XGROUP', 'CREATE', 's', 'g', '0');
  const other = t.engine.createSession();
  t.run('WATCH', 's');
  other.call(['XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>']);
  other.call(['XACK', 's', 'g', '1-0']);
  t.run('MULTI');
  t.run('XLEN', 's');
  assert.deepEqual(t.run('EXEC'), [1]);
  t.run('WATCH', 's');
  other.call(['XADD', 's', '2-0', 'f', 'v']);
  t.run('MULTI');
  t.run('XLEN', 's');
  assert.equal(t.run('EXEC'), NULL_ARRAY);
  t.close();
});

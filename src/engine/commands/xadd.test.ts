import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorReply } from '../reply.ts';
import { testEngine } from '../testing/helpers.ts';

const msg = (r: unknown) => (r as ErrorReply).message;

test('auto IDs never go backwards when the clock does', () => {
  const t = testEngine(1000);
  assert.equal(t.run('XADD', 's', '*', 'f', 'v'), '1000-0');
  t.clock.now = 500;
  assert.equal(t.run('XADD', 's', '*', 'f', 'v'), '1000-1');
  assert.equal(t.run('XADD', 's', '*', 'f', 'v'), '1000-2');
  t.clock.now = 2000;
  assert.equal(t.run('XADD', 's', '*', 'f', 'v'), '2000-0');
  t.close();
});

test('a full sequence moves to the next millisecond; the last ID exhausts the stream', () => {
  const t = testEngine(10);
  t.run('XADD', 's', '10-18446744073709551615', 'f', 'v');
  assert.equal(t.run('XADD', 's', '*', 'f', 'v'), '11-0');
  assert.equal(t.run('XADD', 's', '18446744073709551615-18446744073709551615', 'f', 'v'), '18446744073709551615-18446744073709551615');
  assert.equal(msg(t.run('XADD', 's', '*', 'f', 'v')), 'ERR The stream has exhausted the last possible ID, unable to add more items');
  assert.deepEqual(t.run('XRANGE', 's', '(18446744073709551615-18446744073709551614', '+'), [
    ['18446744073709551615-18446744073709551615', ['f', 'v']],
  ]);
  t.close();
});

test('0-0 is refused; an ID at or below the top is refused even after XDEL of the top', () => {
  const t = testEngine();
  assert.equal(msg(t.run('XADD', 's', '0-0', 'f', 'v')), 'ERR The ID specified in XADD must be greater than 0-0');
  assert.equal(t.run('EXISTS', 's'), 0, 'the failed XADD must not create the key');
  t.run('XADD', 's', '5-5', 'f', 'v');
  assert.equal(t.run('XDEL', 's', '5-5'), 1);
  assert.equal(t.run('XLEN', 's'), 0);
  assert.equal(t.run('EXISTS', 's'), 1, 'an emptied stream stays');
  assert.equal(msg(t.run('XADD', 's', '5-5', 'f', 'v')), 'ERR The ID specified in XADD is equal or smaller than the target stream top item');
  assert.equal(t.run('XADD', 's', '5-*', 'f', 'v'), '5-6');
  t.close();
});

test('XADD propagates the generated ID and the exact effect of ~ trimming', () => {
  const t = testEngine(42);
  const seen: string[][] = [];
  t.engine.onPropagate((_db, argv) => seen.push(argv));
  for (let i = 0; i < 250; i++) t.run('XADD', 's', `${i + 1}-0`, 'f', 'v');
  seen.length = 0;
  t.run('XADD', 's', 'MAXLEN', '~', '100', '*', 'f', 'v');
  assert.deepEqual(seen, [['XADD', 's', 'MAXLEN', '=', '151', '250-1', 'f', 'v']], JSON.stringify(seen));
  t.close();
});

test('~ trims whole 100-entry nodes only; = trims exactly; LIMIT caps the work', () => {
  const t = testEngine();
  for (let i = 0; i < 350; i++) t.run('XADD', 's', `${i + 1}-0`, 'f', 'v');
  assert.equal(t.run('XTRIM', 's', 'MAXLEN', '~', '120'), 200);
  assert.equal(t.run('XLEN', 's'), 150);
  assert.equal(t.run('XTRIM', 's', 'MAXLEN', '~', '120', 'LIMIT', '10'), 0);
  assert.equal(t.run('XTRIM', 's', 'MAXLEN', '=', '120'), 30);
  assert.equal(t.run('XLEN', 's'), 120);
  assert.equal(msg(t.run('XTRIM', 's', 'MAXLEN', '120', 'LIMIT', '10')), 'ERR syntax error, LIMIT cannot be used without the special ~ option');
  t.close();
});

test('XSETID cannot go below the top live entry but can after XDEL of the top', () => {
  const t = testEngine();
  t.run('XADD', 's', '1-0', 'f', 'v');
  t.run('XADD', 's', '2-0', 'f', 'v');
  assert.equal(msg(t.run('XSETID', 's', '1-5')), 'ERR The ID specified in XSETID is smaller than the target stream top item');
  t.run('XDEL', 's', '2-0');
  assert.equal((t.run('XSETID', 's', '1-5') as { value: string }).value, 'OK');
  assert.equal(t.run('XADD', 's', '*', 'f', 'v') !== null, true);
  t.close();
});

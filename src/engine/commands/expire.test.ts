import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../engine.ts';
import { testEngine } from '../testing/helpers.ts';

test('keys expire lazily at their deadline and the deletion is propagated as DEL', () => {
  const t = testEngine(1000);
  const seen: string[][] = [];
  t.engine.onPropagate((_db, argv) => seen.push(argv));
  t.run('SET', 'k', 'v', 'PX', '100');
  assert.deepEqual(seen.pop(), ['SET', 'k', 'v', 'PXAT', '1100']);
  t.clock.now = 1099;
  assert.equal(t.run('GET', 'k'), 'v');
  assert.equal(t.run('PTTL', 'k'), 1);
  t.clock.now = 1100;
  assert.equal(t.run('GET', 'k'), null);
  assert.deepEqual(seen.pop(), ['DEL', 'k']);
  t.close();
});

test('EXPIRE propagates an absolute PEXPIREAT; a past deadline deletes at once', () => {
  const t = testEngine(5000);
  const seen: string[][] = [];
  t.engine.onPropagate((_db, argv) => seen.push(argv));
  t.run('SET', 'k', 'v');
  t.run('EXPIRE', 'k', '10');
  assert.deepEqual(seen.pop(), ['PEXPIREAT', 'k', '15000']);
  t.run('EXPIREAT', 'k', '1');
  assert.deepEqual(seen.pop(), ['DEL', 'k']);
  assert.equal(t.run('EXISTS', 'k'), 0);
  t.close();
});

test('the active cycle removes expired keys nobody reads', async () => {
  let now = 1000;
  const engine = new Engine({ clock: () => now });
  const s = engine.createSession();
  for (let i = 0; i < 50; i++) s.call(['SET', `k${i}`, 'v', 'PX', '10']);
  s.call(['SET', 'keep', 'v']);
  now = 2000;
  const deadline = Date.now() + 3000;
  while (engine.dbs[0].size > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(engine.dbs[0].size, 1);
  engine.close();
});

test('WATCH of an expiring key fails EXEC once it has expired', () => {
  const t = testEngine(1000);
  t.run('SET', 'k', 'v', 'PX', '100');
  t.run('WATCH', 'k');
  t.clock.now = 1200;
  t.run('MULTI');
  t.run('PING');
  assert.equal(typeof t.run('EXEC'), 'symbol');
  t.close();
});

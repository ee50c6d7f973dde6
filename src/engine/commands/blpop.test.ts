import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testEngine } from '../testing/helpers.ts';
import { DoubleReply, NULL_ARRAY, PairsReply } from '../reply.ts';

test('BLPOP waiters are served FIFO by a push, one element each; the served pops are propagated as LPOP', async () => {
  const t = testEngine();
  const seen: string[][] = [];
  t.engine.onPropagate((_db, argv) => seen.push(argv));
  const a = t.engine.createSession();
  const b = t.engine.createSession();
  const pa = a.call(['BLPOP', 'q', '0']);
  const pb = b.call(['BLPOP', 'other', 'q', '0']);
  assert.ok(pa instanceof Promise && pb instanceof Promise);
  assert.equal(t.run('RPUSH', 'q', 'x', 'y', 'z'), 3);
  assert.deepEqual(await pa, ['q', 'x']);
  assert.deepEqual(await pb, ['q', 'y']);
  assert.deepEqual(t.run('LRANGE', 'q', '0', '-1'), ['z']);
  assert.deepEqual(seen, [['RPUSH', 'q', 'x', 'y', 'z'], ['LPOP', 'q'], ['LPOP', 'q']]);
  t.close();
});

test('BLMOVE blocks until the source gets an element; a wrong-type key keeps it waiting; the timeout answers a null array', async () => {
  const t = testEngine();
  const c = t.engine.createSession();
  const p = c.call(['BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0']);
  t.run('SET', 'src', 'not-a-list');
  t.run('DEL', 'src');
  t.run('LPUSH', 'src', 'job');
  assert.equal(await p, 'job');
  assert.deepEqual(t.run('LRANGE', 'dst', '0', '-1'), ['job']);
  assert.equal(t.run('EXISTS', 'src'), 0);
  const timedOut = await c.call(['BLPOP', 'none', '0.02']);
  assert.equal(timedOut, NULL_ARRAY);
  t.close();
});

test('BZPOPMIN is woken by ZADD with the lowest member', async () => {
  const t = testEngine();
  const c = t.engine.createSession();
  const p = c.call(['BZPOPMIN', 'z', '0']);
  t.run('ZADD', 'z', '5', 'five', '1', 'one');
  assert.deepEqual(await p, ['z', 'one', new DoubleReply(1)]);
  assert.deepEqual(t.run('ZRANGE', 'z', '0', '-1', 'WITHSCORES'), new PairsReply(['five', new DoubleReply(5)]));
  t.close();
});

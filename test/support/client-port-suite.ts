/**
 * The client port's conformance suite for one backend: replies in one shape,
 * pipelines, subscribe, a blocking read woken by a write, scripts, close.
 * test/client/conformance.test.ts runs it on every backend of
 * support/backends.ts, test/client/sentinel.test.ts over redis+sentinel://.
 * `url()` is read in before(), once the backend is up. A backend may lack a
 * feature (Connection.features); the suite checks that it says so.
 */
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, defineScript, isRedisReplyError, type Connection } from '../../src/client/index.ts';

export function describeClientPort(name: string, url: () => string): void {
  describe(`client port on ${name}`, () => {
    let c: Connection;
    before(async () => {
      c = await connect(url());
      await c.send(['FLUSHALL']);
    });
    after(async () => {
      await c?.close();
    });

    test('send returns replies in one shape; error replies reject with their code', async () => {
      assert.equal(await c.send(['SET', 'k', 'héllo']), 'OK');
      assert.equal(await c.send(['GET', 'k']), 'héllo');
      assert.equal(await c.send(['STRLEN', 'k']), 6);
      assert.equal(await c.send(['GET', 'nope']), null);
      await c.send(['HSET', 'h', 'a', '1']);
      assert.deepEqual(await c.send(['HGETALL', 'h']), ['a', '1']);
      await assert.rejects(c.send(['XADD', 'k', '*', 'f', 'v']), (e: unknown) => isRedisReplyError(e, 'WRONGTYPE'));
      await assert.rejects(c.send(['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'nostream', '>']), (e: unknown) => isRedisReplyError(e, 'NOGROUP'));
      assert.match(c.features.version, /^\d+\.\d+\.\d+$/);
    });

    test('pipeline keeps order and returns errors in place', async () => {
      const r = await c.pipeline([['XADD', 'p', '1-1', 'f', 'v'], ['XADD', 'p', '1-1', 'f', 'v'], ['XLEN', 'p']]);
      assert.equal(r[0], '1-1');
      assert.ok(isRedisReplyError(r[1], 'ERR'));
      assert.equal(r[2], 1);
    });

    test('a pipeline may span hash slots (split per slot on Cluster); MULTI blocks stay whole', async () => {
      const keys = Array.from({ length: 12 }, (_, i) => `spread:${i}`);
      const r = await c.pipeline([
        ...keys.map((k, i) => ['SET', k, String(i)]),
        ['MULTI'], ['INCR', '{tag}a'], ['INCR', '{tag}b'], ['EXEC'],
        ...keys.map((k) => ['GET', k]),
      ]);
      assert.deepEqual(r.slice(0, 12), keys.map(() => 'OK'));
      assert.deepEqual(r[15], [1, 1]);
      assert.deepEqual(r.slice(16), keys.map((_, i) => String(i)));
      const reads = await c.pipeline(keys.map((k) => ['XREAD', 'COUNT', 1, 'STREAMS', `${k}:s`, '0']));
      assert.deepEqual(reads, keys.map(() => null));
    });

    test('scan finds every matching key in the whole keyspace (every master on Cluster), by type if asked', async () => {
      const streams = Array.from({ length: 20 }, (_, i) => `scan:{s${i}}`); // hash tags spread over the slots
      await c.pipeline([...streams.map((k) => ['XADD', k, '*', 'f', 'v']), ['SET', 'scan:{str}', 'x']]);
      const all = new Set<string>();
      for await (const k of c.scan('scan:*')) all.add(k);
      assert.deepEqual([...all].sort(), [...streams, 'scan:{str}'].sort());
      const onlyStreams = new Set<string>();
      for await (const k of c.scan('scan:*', 'stream')) onlyStreams.add(k);
      assert.deepEqual([...onlyStreams].sort(), [...streams].sort());
    });

    test('subscribe delivers published messages until unsubscribed', async () => {
      const got: string[] = [];
      const stop = await c.subscribe('conf-chan', (m) => got.push(m));
      await c.send(['PUBLISH', 'conf-chan', 'héllo']);
      for (let i = 0; i < 100 && got.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(got, ['héllo']);
      await stop();
      await stop();
      await new Promise((r) => setTimeout(r, 30));
      await c.send(['PUBLISH', 'conf-chan', 'after']);
      await new Promise((r) => setTimeout(r, 30));
      assert.deepEqual(got, ['héllo']);
    });

    test('a blocking read on a duplicate is woken by a write on the first connection', async () => {
      await c.send(['XGROUP', 'CREATE', 'jobs', 'g', '$', 'MKSTREAM']);
      const reader = await c.duplicate();
      const pending = reader.send(['XREADGROUP', 'GROUP', 'g', 'w', 'BLOCK', '5000', 'STREAMS', 'jobs', '>']);
      await new Promise((r) => setTimeout(r, 50));
      await c.send(['XADD', 'jobs', '9-9', 'task', 'x']);
      assert.deepEqual(await pending, [['jobs', [['9-9', ['task', 'x']]]]]);
      await reader.close();
    });

    test('scripts run with EVALSHA and load on NOSCRIPT, or the backend says it has none', async () => {
      const s = defineScript('incr-by-2', 1, "return redis.call('INCRBY', KEYS[1], 2)");
      if (!c.features.scripting) {
        await assert.rejects(c.script(s, ['n'], []), /no Lua scripting|unknown command/);
        return;
      }
      await c.send(['SCRIPT', 'FLUSH']);
      assert.equal(await c.script(s, ['n'], []), 2);
      assert.equal(await c.script(s, ['n'], []), 4);
    });

    test('close is idempotent and later sends reject', async () => {
      const d = await connect(url());
      await d.close();
      await d.close();
      await assert.rejects(d.send(['PING']), /closed/);
    });
  });
}

/**
 * One conformance suite for the client port, run on every backend: the
 * embedded engine, a real redis-server, and brook server. A backend may lack
 * a feature (Connection.features); the suite checks that it says so.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, defineScript, isRedisReplyError, parseUrl, type Connection } from '../../src/client/index.ts';
import { useBackends } from '../support/backends.ts';

const backends = useBackends();

for (const b of backends) {
  describe(`client port on ${b.name}`, () => {
    let c: Connection;
    before(async () => {
      c = await connect(b.url());
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
      const d = await connect(b.url());
      await d.close();
      await d.close();
      await assert.rejects(d.send(['PING']), /closed/);
    });
  });
}

test('connection URLs: every form parses; bad ones fail with the reason', () => {
  assert.deepEqual(parseUrl('brook://memory'), { kind: 'embedded' });
  assert.deepEqual(parseUrl('brook:///var/data'), { kind: 'embedded', dir: '/var/data' });
  assert.deepEqual(parseUrl('redis://u:p%40ss@h:6380/2'), { kind: 'redis', host: 'h', port: 6380, db: 2, username: 'u', password: 'p@ss', tls: false, replyTimeoutMs: 30_000 });
  assert.equal((parseUrl('rediss://h') as { tls: boolean }).tls, true);
  assert.deepEqual(parseUrl('redis+sentinel://a:26379,b:26380/mymaster'), {
    kind: 'sentinel', sentinels: [{ host: 'a', port: 26379 }, { host: 'b', port: 26380 }], name: 'mymaster', db: 0, password: undefined, replyTimeoutMs: 30_000,
  });
  assert.deepEqual(parseUrl('redis+cluster://a:7000,b:7001'), { kind: 'cluster', nodes: [{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }], password: undefined, replyTimeoutMs: 30_000 });
  assert.equal((parseUrl('redis://h:1/3?replyTimeoutMs=2500') as { replyTimeoutMs: number }).replyTimeoutMs, 2500);
  assert.equal((parseUrl('redis://h?replyTimeoutMs=0') as { db: number; replyTimeoutMs: number }).replyTimeoutMs, 0);
  assert.throws(() => parseUrl('redis://h?replyTimeoutMs=soon'), /whole number/);
  assert.throws(() => parseUrl('redis://h?timeout=1'), /unknown parameter 'timeout'/);
  assert.throws(() => parseUrl('brook://elsewhere'), /brook:\/\/memory/);
  assert.throws(() => parseUrl('redis+sentinel://a:1'), /master name/);
  assert.throws(() => parseUrl('redis://h:99999'), /out of range/);
  assert.throws(() => parseUrl('mongodb://h'), /unknown scheme/);
});

/**
 * One conformance suite for the client port, run on every backend: the
 * embedded engine, a real redis-server, and brook server. A backend may lack
 * a feature (Connection.features); the suite checks that it says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUrl } from '../../src/client/index.ts';
import { useBackends } from '../support/backends.ts';
import { describeClientPort } from '../support/client-port-suite.ts';

const backends = useBackends();

for (const b of backends) describeClientPort(b.name, b.url);

test('connection URLs: every form parses; bad ones fail with the reason', () => {
  assert.deepEqual(parseUrl('brook://memory'), { kind: 'embedded' });
  assert.deepEqual(parseUrl('brook:///var/data'), { kind: 'embedded', dir: '/var/data' });
  assert.deepEqual(parseUrl('redis://u:p%40ss@h:6380/2'), { kind: 'redis', host: 'h', port: 6380, db: 2, username: 'u', password: 'p@ss', tls: false, connectTimeoutMs: 10_000, replyTimeoutMs: 30_000 });
  assert.equal((parseUrl('rediss://h') as { tls: boolean }).tls, true);
  assert.deepEqual(parseUrl('redis+sentinel://a:26379,b:26380/mymaster'), {
    kind: 'sentinel', sentinels: [{ host: 'a', port: 26379 }, { host: 'b', port: 26380 }], name: 'mymaster', db: 0, password: undefined, connectTimeoutMs: 10_000, replyTimeoutMs: 30_000,
  });
  assert.deepEqual(parseUrl('redis+cluster://a:7000,b:7001'), { kind: 'cluster', nodes: [{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }], password: undefined, connectTimeoutMs: 10_000, replyTimeoutMs: 30_000 });
  assert.equal((parseUrl('redis://h:1/3?replyTimeoutMs=2500') as { replyTimeoutMs: number }).replyTimeoutMs, 2500);
  assert.equal((parseUrl('redis://h?replyTimeoutMs=0') as { db: number; replyTimeoutMs: number }).replyTimeoutMs, 0);
  assert.throws(() => parseUrl('redis://h?replyTimeoutMs=soon'), /whole number/);
  assert.equal((parseUrl('redis://h?connectTimeoutMs=250&replyTimeoutMs=9') as { connectTimeoutMs: number }).connectTimeoutMs, 250);
  assert.throws(() => parseUrl('redis://h?connectTimeoutMs=0'), /at least 1 ms/);
  assert.throws(() => parseUrl('redis://h?timeout=1'), /unknown parameter 'timeout'/);
  assert.throws(() => parseUrl('brook://elsewhere'), /brook:\/\/memory/);
  assert.throws(() => parseUrl('redis+sentinel://a:1'), /master name/);
  assert.throws(() => parseUrl('redis://h:99999'), /out of range/);
  assert.throws(() => parseUrl('mongodb://h'), /unknown scheme/);
});

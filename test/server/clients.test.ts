/**
 * Real clients that nobody here wrote, against brook server: redis-cli,
 * ioredis, node-redis and redis-py, each doing streams and consumer groups.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startBrookInProcess, type InProcessServer } from '../support/brook-server.ts';

const run = promisify(execFile);
let srv: InProcessServer;
before(async () => {
  srv = await startBrookInProcess();
});
after(async () => {
  await srv?.stop();
});

test('redis-cli: streams, groups, info', async () => {
  const cli = async (...a: string[]) => (await run('redis-cli', ['-p', String(srv.port), ...a])).stdout.trim();
  assert.equal(await cli('PING'), 'PONG');
  assert.equal(await cli('XADD', 'cli', '1-1', 'f', 'v'), '1-1');
  assert.equal(await cli('XGROUP', 'CREATE', 'cli', 'g', '0'), 'OK');
  assert.equal(await cli('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'cli', '>'), 'cli\n1-1\nf\nv');
  assert.equal(await cli('XACK', 'cli', 'g', '1-1'), '1');
  assert.match(await cli('INFO', 'server'), /redis_version:7\.0\.15/);
  assert.match(await cli('XADD', 'cli', '0-1', 'f', 'v'), /ERR The ID specified in XADD is equal or smaller/);
});

test('ioredis: pipelined XADD, XREADGROUP and XACK', async () => {
  const r = new Redis(srv.port, '127.0.0.1', { lazyConnect: true });
  await r.connect();
  const p = r.pipeline();
  for (let i = 0; i < 100; i++) p.xadd('io', '*', 'n', String(i));
  const res = await p.exec();
  assert.equal(res!.length, 100);
  await r.xgroup('CREATE', 'io', 'g', '0');
  const got = (await r.xreadgroup('GROUP', 'g', 'c', 'COUNT', 200, 'STREAMS', 'io', '>')) as [string, [string, string[]][]][];
  assert.equal(got[0][1].length, 100);
  assert.equal(await r.xack('io', 'g', ...got[0][1].map((e) => e[0])), 100);
  assert.deepEqual(await r.xpending('io', 'g'), [0, null, null, null]);
  r.disconnect();
});

test('node-redis (RESP2): streams and consumer groups', async () => {
  const c = createClient({ url: `redis://127.0.0.1:${srv.port}` });
  await c.connect();
  const id = await c.xAdd('nr', '*', { a: '1' });
  assert.match(id, /^\d+-\d+$/);
  await c.xGroupCreate('nr', 'g', '0');
  const r = await c.xReadGroup('g', 'c', { key: 'nr', id: '>' }, { COUNT: 10 });
  assert.equal((r as unknown as { messages: unknown[] }[])[0].messages.length, 1);
  assert.equal(await c.xAck('nr', 'g', id), 1);
  await c.quit();
});

test('redis-py (Debian python3-redis): streams and consumer groups', async () => {
  const script = `
import redis, sys
r = redis.Redis(port=${srv.port})
i = r.xadd('py', {'k': 'v'})
r.xgroup_create('py', 'g', id='0')
got = r.xreadgroup('g', 'c', {'py': '>'})
assert got[0][1][0][0] == i, got
assert r.xack('py', 'g', i) == 1
print('ok')
`;
  const { stdout } = await run('/usr/bin/python3', ['-c', script]);
  assert.equal(stdout.trim(), 'ok');
});

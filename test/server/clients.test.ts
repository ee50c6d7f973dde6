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

// Scripts through each client's own scripting API.
const INCR_SCRIPT = "redis.call('XADD', KEYS[1], '*', 'n', ARGV[1]) return redis.call('XLEN', KEYS[1])";

test('redis-cli: EVAL, SCRIPT LOAD and EVALSHA', async () => {
  const cli = async (...a: string[]) => (await run('redis-cli', ['-p', String(srv.port), ...a])).stdout.trim();
  assert.equal(await cli('EVAL', INCR_SCRIPT, '1', 'cli-lua', '1'), '1');
  const sha = await cli('SCRIPT', 'LOAD', INCR_SCRIPT);
  assert.match(sha, /^[0-9a-f]{40}$/);
  assert.equal(await cli('EVALSHA', sha, '1', 'cli-lua', '2'), '2');
  assert.match(await cli('EVAL', 'return redis.call("INCR", "cli-lua")', '0'), /WRONGTYPE/);
});

test('ioredis: defineCommand (EVALSHA with NOSCRIPT fallback) and a pipeline of scripts', async () => {
  const r = new Redis(srv.port, '127.0.0.1', { lazyConnect: true });
  await r.connect();
  r.defineCommand('addAndCount', { numberOfKeys: 1, lua: INCR_SCRIPT });
  const add = (r as unknown as { addAndCount(k: string, v: string): Promise<number> }).addAndCount.bind(r);
  assert.equal(await add('io-lua', 'a'), 1);
  await r.script('FLUSH');
  assert.equal(await add('io-lua', 'b'), 2, 'reloaded after NOSCRIPT');
  const p = r.pipeline();
  for (let i = 0; i < 20; i++) p.eval(INCR_SCRIPT, 1, 'io-lua', String(i));
  const res = await p.exec();
  assert.deepEqual(res!.map(([, v]) => v), Array.from({ length: 20 }, (_, i) => i + 3));
  r.disconnect();
});

test('node-redis: EVAL, EVALSHA and SCRIPT EXISTS', async () => {
  const c = createClient({ url: `redis://127.0.0.1:${srv.port}` });
  await c.connect();
  assert.equal(await c.eval(INCR_SCRIPT, { keys: ['nr-lua'], arguments: ['1'] }), 1);
  const sha = await c.scriptLoad(INCR_SCRIPT);
  assert.equal(await c.evalSha(sha, { keys: ['nr-lua'], arguments: ['2'] }), 2);
  assert.deepEqual(await c.scriptExists(sha), [1]);
  await c.quit();
});

test('redis-py: register_script', async () => {
  const script = `
import redis
r = redis.Redis(port=${srv.port})
s = r.register_script(${JSON.stringify(INCR_SCRIPT)})
assert s(keys=['py-lua'], args=['1']) == 1
r.script_flush()
assert s(keys=['py-lua'], args=['2']) == 2
try:
    r.eval('return redis.call("INCR", KEYS[1])', 1, 'py-lua')
    raise SystemExit('expected an error')
except redis.ResponseError as e:
    assert 'WRONGTYPE' in str(e), e
print('ok')
`;
  const { stdout } = await run('/usr/bin/python3', ['-c', script]);
  assert.equal(stdout.trim(), 'ok');
});

// Pub/sub through each client's own API.
test('ioredis: subscribe, psubscribe and publish', async () => {
  const sub = new Redis(srv.port, '127.0.0.1');
  const pub = new Redis(srv.port, '127.0.0.1');
  const got: string[] = [];
  sub.on('message', (ch: string, m: string) => got.push(`${ch}:${m}`));
  sub.on('pmessage', (p: string, ch: string, m: string) => got.push(`${p}|${ch}:${m}`));
  await sub.subscribe('orders');
  await sub.psubscribe('ord*');
  assert.equal(await pub.publish('orders', 'o-1'), 2);
  assert.equal(await pub.publish('nobody', 'x'), 0);
  for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(got, ['orders:o-1', 'ord*|orders:o-1']);
  assert.deepEqual(await pub.pubsub('NUMSUB', 'orders'), ['orders', 1]);
  sub.disconnect();
  pub.disconnect();
});

test('node-redis: subscribe and publish (RESP2)', async () => {
  const pub = createClient({ url: `redis://127.0.0.1:${srv.port}` });
  await pub.connect();
  const sub = pub.duplicate();
  await sub.connect();
  const got = new Promise<string>((resolve) => void sub.subscribe('nr-chan', (m) => resolve(m)));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await pub.publish('nr-chan', 'hello'), 1);
  assert.equal(await got, 'hello');
  await sub.quit();
  await pub.quit();
});

test('redis-py and redis-cli: pubsub', async () => {
  const script = `
import redis, time
r = redis.Redis(port=${srv.port})
p = r.pubsub()
p.subscribe('py-chan')
assert p.get_message(timeout=1)['type'] == 'subscribe'
assert r.publish('py-chan', 'hey') == 1
m = p.get_message(timeout=1)
assert m['type'] == 'message' and m['data'] == b'hey', m
print('ok')
`;
  const { stdout } = await run('/usr/bin/python3', ['-c', script]);
  assert.equal(stdout.trim(), 'ok');
  const cli = async (...a: string[]) => (await run('redis-cli', ['-p', String(srv.port), ...a])).stdout.trim();
  assert.equal(await cli('PUBLISH', 'cli-chan', 'x'), '0');
  assert.equal(await cli('PUBSUB', 'NUMPAT'), '0');
});

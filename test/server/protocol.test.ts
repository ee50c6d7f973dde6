/**
 * The RESP server under bad and heavy input: protocol errors close only the
 * offending connection, limits are enforced before allocating, random bytes
 * never crash or hang the server, pipelining keeps order, HELLO 3 switches
 * to RESP3 maps.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import fc from 'fast-check';
import { startBrookInProcess, type InProcessServer } from '../support/brook-server.ts';
import { encodeCommand, RawClient } from '../support/raw-client.ts';
import { startRedis, type RedisProcess } from '../support/redis-server.ts';

let srv: InProcessServer;
let redis: RedisProcess;
before(async () => {
  srv = await startBrookInProcess();
  redis = await startRedis();
});
after(async () => {
  await srv?.stop();
  await redis?.stop();
});

/** Send raw bytes, collect everything until the server closes or `ms` pass. */
function exchange(port: number, bytes: string | Buffer, ms = 300): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    sock.on('data', (d) => (data += d.toString('latin1')));
    sock.on('close', () => {
      closed = true;
      resolve({ data, closed });
    });
    sock.on('error', () => {});
    sock.on('connect', () => sock.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes));
    setTimeout(() => {
      sock.destroy();
      resolve({ data, closed });
    }, ms);
  });
}

test('malformed requests get the same protocol error as Redis and the connection closes', async () => {
  const cases = [
    '*1\r\n+PING\r\n',
    '*abc\r\n',
    '*1\r\n$-5\r\n',
    '*1\r\n$abc\r\n',
    '*1\r\n$1000000000000\r\n',
    'SET "unbalanced\r\n',
    "SET 'a'b\r\n",
    '*3000000000\r\n',
  ];
  for (const c of cases) {
    const [ours, theirs] = await Promise.all([exchange(srv.port, c), exchange(redis.port, c)]);
    assert.equal(ours.data, theirs.data, `reply to ${JSON.stringify(c)}`);
    assert.equal(ours.closed, true, `connection closed after ${JSON.stringify(c)}`);
  }
});

test('an oversized inline request or length line is refused without waiting for it all', async () => {
  const big = 'x'.repeat(70 * 1024);
  for (const c of [big, '*' + '1'.repeat(70 * 1024), '*1\r\n$' + '1'.repeat(70 * 1024)]) {
    const [ours, theirs] = await Promise.all([exchange(srv.port, c), exchange(redis.port, c)]);
    assert.equal(ours.data, theirs.data);
    assert.equal(ours.closed, true);
  }
});

test('random bytes never crash or hang the server; other clients keep working', async () => {
  const bystander = await RawClient.connect(srv.port);
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
        fc.array(fc.constantFrom('*', '$', '1', '2', '-1', '\r\n', 'PING', 'SET', 'a', '"', "'", '\\x41', ' ', '0'), { maxLength: 30 })
          .map((parts) => Buffer.from(parts.join(''), 'latin1')),
      ),
      async (bytes) => {
        await exchange(srv.port, bytes, 50);
        assert.equal(await bystander.call(['PING']), '+PONG\r\n');
      },
    ),
    { numRuns: 60, seed: 11 },
  );
  bystander.close();
});

test('10,000 pipelined commands come back in order', async () => {
  const c = await RawClient.connect(srv.port);
  let req = '';
  for (let i = 0; i < 10_000; i++) req += `*3\r\n$4\r\nXADD\r\n$2\r\npl\r\n$${String(i + 1).length + 2}\r\n${i + 1}-0\r\n`.replace(/\r\n$/, '') + '\r\n$1\r\nf\r\n$1\r\nv\r\n';
  // Fix the argument count: XADD pl <id> f v is 5 arguments.
  req = req.replaceAll('*3\r\n$4\r\nXADD', '*5\r\n$4\r\nXADD');
  const replies = await c.sendRaw(req, 10_000);
  assert.equal(replies.length, 10_000);
  assert.equal(replies[0], '$3\r\n1-0\r\n');
  assert.equal(replies[9_999], '$7\r\n10000-0\r\n');
  c.close();
});

test('a partial request survives other connections reading meanwhile (connections share one read buffer)', async () => {
  const a = await RawClient.connect(srv.port);
  const b = await RawClient.connect(srv.port);
  const half = encodeCommand(['SET', 'shared:a', 'hello']);
  // A's request stops mid-value; B's reads then fill the buffer with other bytes.
  const first = a.sendRaw(half.slice(0, half.length - 4), 0);
  await first;
  await new Promise((r) => setTimeout(r, 30));
  for (let i = 0; i < 20; i++) assert.equal(await b.call(['SET', `shared:b${i}`, 'z'.repeat(200)]), '+OK\r\n');
  assert.deepEqual(await a.sendRaw(half.slice(half.length - 4) + encodeCommand(['GET', 'shared:a']), 2), ['+OK\r\n', '$5\r\nhello\r\n']);

  // A blocked command holds back what was pipelined after it, a partial request included, while B reads.
  const blocked = a.sendRaw(encodeCommand(['BLPOP', 'shared:q', '0']) + encodeCommand(['GET', 'shared:a']) + '*2\r\n$3\r\nGET\r\n$8\r\nshared', 3);
  await new Promise((r) => setTimeout(r, 30));
  for (let i = 0; i < 20; i++) assert.equal(await b.call(['GET', `shared:b${i}`]), `$200\r\n${'z'.repeat(200)}\r\n`);
  assert.equal(await b.call(['RPUSH', 'shared:q', 'x']), ':1\r\n');
  const rest = a.sendRaw(':a\r\n', 0);
  await rest;
  assert.deepEqual(await blocked, ['*2\r\n$8\r\nshared:q\r\n$1\r\nx\r\n', '$5\r\nhello\r\n', '$5\r\nhello\r\n']);
  a.close();
  b.close();
});

test('HELLO 3 switches the connection to RESP3 maps; HELLO 4 is refused', async () => {
  const c = await RawClient.connect(srv.port);
  const hello = await c.call(['HELLO', '3']);
  assert.match(hello, /^%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n/);
  await c.call(['HSET', 'h3', 'a', '1']);
  assert.equal(await c.call(['HGETALL', 'h3']), '%1\r\n$1\r\na\r\n$1\r\n1\r\n');
  assert.equal(await c.call(['GET', 'missing']), '_\r\n');
  assert.equal(await c.call(['HELLO', '4']), '-NOPROTO unsupported protocol version\r\n');
  c.close();
});

test('requirepass: NOAUTH until AUTH, tight limits before it, WRONGPASS on a bad password', async () => {
  const s = await startBrookInProcess((e) => e.config.set('requirepass', 'sekret'));
  try {
    const c = await RawClient.connect(s.port);
    assert.equal(await c.call(['GET', 'x']), '-NOAUTH Authentication required.\r\n');
    assert.equal(await c.call(['AUTH', 'nope']), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    assert.equal(await c.call(['AUTH', 'sekret']), '+OK\r\n');
    assert.equal(await c.call(['GET', 'x']), '$-1\r\n');
    c.close();
    const r = await exchange(s.port, '*11\r\n');
    assert.equal(r.data, '-ERR Protocol error: unauthenticated multibulk length\r\n');
  } finally {
    await s.stop();
  }
});

test('CLIENT SETNAME/GETNAME/ID/LIST/KILL and QUIT', async () => {
  const a = await RawClient.connect(srv.port);
  const b = await RawClient.connect(srv.port);
  assert.equal(await a.call(['CLIENT', 'SETNAME', 'worker-a']), '+OK\r\n');
  assert.equal(await a.call(['CLIENT', 'GETNAME']), '$8\r\nworker-a\r\n');
  assert.equal(await a.call(['CLIENT', 'SETNAME', 'bad name']), '-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
  const idA = Number((await a.call(['CLIENT', 'ID'])).slice(1, -2));
  const list = await b.call(['CLIENT', 'LIST']);
  assert.match(list, new RegExp(`id=${idA} .*name=worker-a`));
  assert.equal(await b.call(['CLIENT', 'KILL', 'ID', String(idA)]), ':1\r\n');
  const c = await RawClient.connect(srv.port);
  assert.deepEqual(await c.sendRaw('*1\r\n$4\r\nQUIT\r\n', 1), ['+OK\r\n']);
  a.close();
  b.close();
  c.close();
});

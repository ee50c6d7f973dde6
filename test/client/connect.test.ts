/**
 * Reaching a server: rediss:// to a real redis-server that speaks TLS (a
 * throwaway CA of the test's own, a client certificate when the server asks
 * for one), and connect()'s failures: each a CONNECT error naming the cause,
 * at once for a rejected password or certificate, within connectTimeoutMs
 * for a server that is not there.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrookClientError, ClientErrorCode, connect } from '../../src/client/index.ts';
import { Consumer, Producer, topic } from '../../src/queue/index.ts';
import { freePort, startRedis, type RedisProcess } from '../support/redis-server.ts';
import { makeCerts, type TestCerts } from '../support/tls-certs.ts';
import { until } from '../support/until.ts';

let certs: TestCerts;
let redis: RedisProcess;
/** The TLS port (clients need no certificate) and one whose clients must show one. */
let tlsPort: number;
let mutualTlsRedis: RedisProcess;
let mutualTlsPort: number;

/** redis-server with a TLS port besides its plain one (startRedis waits on the plain one). */
async function startTlsRedis(port: number, authClients: 'yes' | 'no', extra: string[] = []): Promise<RedisProcess> {
  return startRedis({
    args: [
      '--tls-port', String(port), '--tls-cert-file', certs.files.serverCert, '--tls-key-file', certs.files.serverKey,
      '--tls-ca-cert-file', certs.files.ca, '--tls-auth-clients', authClients, ...extra,
    ],
  });
}

before(async () => {
  certs = await makeCerts();
  [tlsPort, mutualTlsPort] = [await freePort(), await freePort()];
  redis = await startTlsRedis(tlsPort, 'no', ['--requirepass', 'sekret']);
  mutualTlsRedis = await startTlsRedis(mutualTlsPort, 'yes');
});

after(async () => {
  await Promise.all([redis?.stop(), mutualTlsRedis?.stop()]);
  await certs?.remove();
});

/** The CONNECT error connect() fails with, and how long it took. */
async function connectFailure(url: string, options?: Parameters<typeof connect>[1]): Promise<{ error: BrookClientError; ms: number }> {
  const t = Date.now();
  try {
    const c = await connect(url, options);
    await c.close();
  } catch (e) {
    assert.ok(e instanceof BrookClientError, String(e));
    return { error: e, ms: Date.now() - t };
  }
  assert.fail(`connect(${url}) succeeded`);
}

test('rediss:// with the CA: commands, a blocking read on a duplicate, and a queue message end to end', async () => {
  const conn = await connect(`rediss://:sekret@127.0.0.1:${tlsPort}`, { tls: { ca: certs.ca } });
  try {
    assert.equal(await conn.send(['PING']), 'PONG');
    const plain = (await conn.send(['INFO', 'server'])) as string;
    assert.match(plain, /redis_version:/);
    const t = topic<{ n: number }>({ name: `tls-${Date.now()}` });
    const seen: number[] = [];
    const consumer = new Consumer(t, { connection: conn, group: 'g', blockMs: 100 }); // reads on a duplicate: TLS too
    const running = consumer.run((m) => {
      seen.push(m.payload.n);
    });
    await new Producer(t, { connection: conn }).sendBatch([1, 2, 3].map((n) => ({ payload: { n } })));
    await until(() => seen.length === 3, 5000, 'three messages over TLS');
    await consumer.stop();
    await running;
    assert.deepEqual(seen.sort(), [1, 2, 3]);
    assert.equal(((await conn.send(['XPENDING', t.stream(0), 'g'])) as unknown[])[0], 0);
  } finally {
    await conn.close();
  }
});

test('rediss:// with a client certificate, to a server that asks for one', async () => {
  const conn = await connect(`rediss://127.0.0.1:${mutualTlsPort}`, { tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
  assert.equal(await conn.send(['PING']), 'PONG');
  await conn.close();
  const { error, ms } = await connectFailure(`rediss://127.0.0.1:${mutualTlsPort}`, { tls: { ca: certs.ca } });
  assert.match(error.message, /CERTIFICATE_REQUIRED|certificate required/i);
  assert.ok(ms < 5000, `took ${ms} ms`);
});

test('a certificate the client does not trust fails at once, with the reason', async () => {
  const { error, ms } = await connectFailure(`rediss://:sekret@127.0.0.1:${tlsPort}`);
  assert.equal(error.code, ClientErrorCode.Connect);
  assert.match(error.message, new RegExp(`^cannot connect to rediss://127.0.0.1:${tlsPort}: .*certificate`));
  assert.ok(ms < 5000, `took ${ms} ms`);
});

test('a rejected password fails at once, with the server\'s reason', async () => {
  const { error, ms } = await connectFailure(`redis://:wrong@127.0.0.1:${redis.port}`);
  assert.equal(error.code, ClientErrorCode.Connect);
  assert.match(error.message, /WRONGPASS/);
  assert.ok(ms < 5000, `took ${ms} ms (the timeout is 10 s)`);
  assert.match((await connectFailure(`redis://127.0.0.1:${redis.port}`)).error.message, /NOAUTH/);
});

test('nothing listening: retried until connectTimeoutMs, then the last cause', async () => {
  const port = await freePort();
  const { error, ms } = await connectFailure(`redis://127.0.0.1:${port}?connectTimeoutMs=400`);
  assert.equal(error.code, ClientErrorCode.Connect);
  assert.match(error.message, new RegExp(`within 400 ms: connect ECONNREFUSED 127.0.0.1:${port}`));
  assert.ok(ms >= 350 && ms < 3000, `took ${ms} ms`);
});

test('a plain server named as a Cluster: the server\'s own reason', async () => {
  const { error } = await connectFailure(`redis+cluster://127.0.0.1:${mutualTlsRedis.port}?connectTimeoutMs=500`);
  assert.match(error.message, /within 500 ms: .*cluster support disabled/);
});

test('a server that comes up within connectTimeoutMs is connected to', async () => {
  const port = await freePort();
  const connecting = connect(`redis://127.0.0.1:${port}?connectTimeoutMs=8000`);
  await new Promise((r) => setTimeout(r, 300));
  const late = await startRedis({ port });
  try {
    const conn = await connecting;
    assert.equal(await conn.send(['PING']), 'PONG');
    await conn.close();
  } finally {
    await late.stop();
  }
});

test('TLS options need a rediss:// URL', async () => {
  for (const url of [`redis://127.0.0.1:${redis.port}`, 'brook://memory']) {
    await assert.rejects(connect(url, { tls: { ca: certs.ca } }), (e: unknown) => e instanceof BrookClientError && e.code === ClientErrorCode.BadUrl && /rediss:\/\//.test(e.message));
  }
});

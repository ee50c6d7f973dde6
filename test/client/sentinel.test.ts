/**
 * The Redis adapter over redis+sentinel:// against real processes: a master,
 * a replica and one sentinel (test/support/redis-sentinel.ts).
 *   (a) the client port's conformance suite, through the sentinel;
 *   (b) a failover under a running consumer: every message sent before and
 *       after it is handled and kept by the new master, the producer's
 *       connection ends up on the new master, the consumer goes on;
 *   (c) an unknown master name or no reachable sentinel: connect() fails,
 *       within a bound, instead of waiting forever;
 *   (d) a master frozen (SIGSTOP) under a running producer and consumer:
 *       Sentinel fails it over, and what is sent after that is handled.
 * Every wait is bounded; after() closes what a timed-out test left open.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Producer, topic } from '../../src/queue/index.ts';
import { describeClientPort } from '../support/client-port-suite.ts';
import { freePort } from '../support/redis-server.ts';
import { ask, infoField, within, xreadgroupClients } from '../support/admin.ts';
import { AckedSender, Cleanups, countingConsumer } from '../support/failover.ts';
import { startSentinel, type RedisSentinel } from '../support/redis-sentinel.ts';
import { until } from '../support/until.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let s: RedisSentinel;
const cleanups = new Cleanups();
const open = (url: string) => cleanups.open(url);

before(async () => {
  s = await startSentinel();
});
after(async () => {
  await cleanups.run();
  await s?.stop();
});

// (a)
describeClientPort('Sentinel (a master, a replica, one sentinel)', () => s.url);

// (c)
/**
 * How long connect() may take to give up (the URLs ask for 2 s). It runs in
 * a child process, killed after this: should connect() ever hang again,
 * ioredis would ask the sentinels for ever and keep this file's process alive.
 */
const CONNECT_BOUND_MS = 15_000;

interface ChildConnect {
  outcome: 'resolved' | 'rejected' | 'hung';
  code?: string;
  message: string;
  ms: number;
}

/** connect(url) in a child process: how it settled, or 'hung' when it had not after CONNECT_BOUND_MS. */
async function connectInChild(url: string): Promise<ChildConnect> {
  const client = new URL('../../src/client/index.ts', import.meta.url).href;
  const code = `
    const { connect } = await import(${JSON.stringify(client)});
    const t0 = Date.now();
    try { const c = await connect(${JSON.stringify(url)}); await c.close(); console.log(JSON.stringify({ outcome: 'resolved', message: '', ms: Date.now() - t0 })); }
    catch (e) { console.log(JSON.stringify({ outcome: 'rejected', code: e?.code, message: String(e?.message ?? e), ms: Date.now() - t0 })); }
    process.exit(0);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  if (await Promise.race([exited.then(() => false), sleep(CONNECT_BOUND_MS).then(() => true)])) {
    child.kill('SIGKILL');
    await exited;
    return { outcome: 'hung', message: '', ms: CONNECT_BOUND_MS };
  }
  try {
    return JSON.parse(out.trim().split('\n').pop() ?? '') as ChildConnect;
  } catch {
    throw new Error(`the child process failed: ${out}`);
  }
}

describe('connect() fails clearly when Sentinel cannot name a master', { concurrency: true }, () => {
  /** connect(url) rejects, within the bound, with a CONNECT error naming the master, the sentinels and `why`. */
  const expectClearFailure = async (url: string, sentinel: string, why: RegExp) => {
    const r = await connectInChild(url);
    console.log(`# ${url}: ${r.outcome} after ${r.ms} ms${r.message ? `: ${r.message}` : ''}`);
    assert.notEqual(r.outcome, 'hung', `connect('${url}') neither resolved nor rejected within ${CONNECT_BOUND_MS} ms`);
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.code, 'CONNECT');
    assert.ok(r.message.includes(sentinel), `the error names the sentinel ${sentinel}: ${r.message}`);
    assert.match(r.message, why);
  };

  test('the sentinel knows no master by that name', { timeout: CONNECT_BOUND_MS + 5000 }, async () => {
    const at = `127.0.0.1:${s.sentinelPort}`;
    await expectClearFailure(`redis+sentinel://${at}/no-such-master?connectTimeoutMs=2000`, at, /know no master 'no-such-master'/);
  });

  test('no sentinel listens at the address', { timeout: CONNECT_BOUND_MS + 5000 }, async () => {
    const at = `127.0.0.1:${await freePort()}`;
    await expectClearFailure(`redis+sentinel://${at}/brook?connectTimeoutMs=2000`, at, /'brook'/);
  });
});

// (b)
test('failover under a running consumer: every message handled and kept, the producer and the consumer follow the new master', { timeout: 120_000 }, async () => {
  const N = 100;
  const M = 100;
  const t = topic<{ i: number }>({ name: 'failover', partitions: 2 });
  const producerConn = await open(s.url);
  const producer = new Producer(t, { connection: producerConn });
  const { seen, errors: consumerErrors } = countingConsumer(t, await open(s.url), cleanups);

  // A send that fails is sent again (each within 15 s) while the switch happens; only acknowledged sends count.
  const sender = new AckedSender(producer);
  const handledAll = () => sender.allHandled(seen);

  for (let i = 0; i < N; i++) await sender.send(i);
  assert.equal(await within(producerConn.send(['WAIT', 1, 5000]), 6000, 'WAIT'), 1, 'the replica has every message before the failover');
  await until(handledAll, 10_000, `the first ${N} messages handled`);

  const t0 = Date.now();
  await s.failover();
  const failoverMs = Date.now() - t0;
  for (let i = N; i < N + M; i++) await sender.send(i);
  const sentAfterMs = Date.now() - t0;
  await until(handledAll, 30_000, `all ${N + M} messages handled`);

  // Where the producer's connection and the consumer's reads are now: give the adapter 5 s to follow the switch.
  let producerPort = '';
  let producerRole = '';
  let readersOnNewMaster = 0;
  await until(
    async () => {
      producerPort = infoField(await within(producerConn.send(['INFO', 'server']), 5000, 'INFO'), 'tcp_port') ?? '';
      producerRole = String(((await within(producerConn.send(['ROLE']), 5000, 'ROLE')) as string[])[0]);
      readersOnNewMaster = await xreadgroupClients(s.replica.port);
      return producerPort === String(s.replica.port) && readersOnNewMaster > 0;
    },
    5000,
    'the producer and the consumer on the new master',
  ).catch(() => {});
  const followedMs = Date.now() - t0;

  // Sentinel demotes the old master some 10 s after the switch (it waits that long before reconfiguring it), cutting its clients.
  await s.demoted();
  const demotedMs = Date.now() - t0;
  await sender.send(N + M);
  await until(() => seen.has(N + M), 15_000, 'a message sent after the old master was demoted handled');

  // What the new master holds: every acknowledged send must be there, nothing pending.
  const kept = new Set<string>();
  for (let p = 0; p < t.partitions; p++) {
    for (const [id] of (await ask(s.replica.port, 'XRANGE', t.stream(p), '-', '+')) as Array<[string, unknown]>) kept.add(`${p}/${id}`);
  }
  const lost = [...sender.acked].filter(([, r]) => !kept.has(`${r.partition}/${r.id}`)).map(([i]) => i);
  let pending = -1;
  await until(
    async () => {
      pending = 0;
      for (let p = 0; p < t.partitions; p++) pending += ((await ask(s.replica.port, 'XPENDING', t.stream(p), 'g')) as [number])[0];
      return pending === 0;
    },
    15_000,
    'nothing pending on the new master',
  ).catch(() => {});
  const readers = await xreadgroupClients(s.replica.port);
  const duplicates = [...seen.values()].reduce((n, c) => n + c - 1, 0);
  console.log(
    `# sentinel failover: failover() ${failoverMs} ms; ${M} sends after it done at +${sentAfterMs} ms (${sender.errors} send errors${sender.errors ? `, last: ${sender.lastError}` : ''}); ` +
      `at +${followedMs} ms the producer on port ${producerPort} (${producerRole}) and ${readersOnNewMaster} XREADGROUP clients on the new master ${s.replica.port}; ` +
      `old master demoted at +${demotedMs} ms; ` +
      `${lost.length} acknowledged sends missing from the new master${lost.length ? ` (${lost[0]}..${lost[lost.length - 1]})` : ''}; ${pending} pending; ` +
      `then ${readers} XREADGROUP clients on the new master; ${duplicates} duplicate handlings; ${consumerErrors.length} consumer errors${consumerErrors.length ? ` (last: ${consumerErrors.at(-1)!.message})` : ''}`,
  );

  assert.equal(producerPort, String(s.replica.port), `soon after the failover (polled for 5 s) the producer's connection talks to the new master (port ${s.replica.port}), not port ${producerPort}`);
  assert.equal(producerRole, 'master');
  assert.ok(readersOnNewMaster > 0, "soon after the failover (polled for 5 s) the consumer's blocking reads go to the new master");
  assert.equal(lost.length, 0, `every acknowledged send is kept by the new master; missing: ${lost.slice(0, 20).join(', ')}${lost.length > 20 ? ', ...' : ''}`);
  assert.equal(pending, 0, 'nothing left pending on the new master');
  assert.ok(readers > 0, "after the old master's demotion the consumer's blocking reads still go to the new master");
  await cleanups.run();
});

// (d)
test('a master that stops answering (SIGSTOP): Sentinel fails it over, the producer and the consumer go on', { timeout: 90_000 }, async () => {
  const t = topic<{ i: number }>({ name: 'stall', partitions: 2 });
  // Both with a short replyTimeoutMs: a command the frozen master holds is sent again after 3 s.
  const url = `${s.url}?replyTimeoutMs=3000`;
  const { seen, errors: consumerErrors } = countingConsumer(t, await open(url), cleanups);
  const sender = new AckedSender(new Producer(t, { connection: await open(url) }));
  for (let i = 0; i < 100; i++) await sender.send(i);
  await until(() => sender.allHandled(seen), 10_000, 'the first 100 messages handled');

  const masterAddr = async () => ((await ask(s.sentinelPort, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', s.masterName)) as string[])[1];
  const frozenPort = Number(await masterAddr());
  const frozen = [s.master, s.replica].find((n) => n.port === frozenPort)!;
  const other = [s.master, s.replica].find((n) => n.port !== frozenPort)!;
  // The replica has everything before the freeze.
  await until(async () => {
    const mo = infoField(await ask(frozenPort, 'INFO', 'replication'), 'master_repl_offset');
    return mo !== undefined && mo === infoField(await ask(other.port, 'INFO', 'replication'), 'slave_repl_offset');
  }, 10_000, 'the replica caught up');
  const t0 = Date.now();
  frozen.process.kill('SIGSTOP');
  try {
    await until(async () => Number(await masterAddr()) === other.port, 30_000, `Sentinel to name ${other.port} the master`);
    const failoverMs = Date.now() - t0;
    for (let i = 1000; i < 1100; i++) await sender.send(i);
    const unhandled = () => [...sender.acked.keys()].filter((i) => i >= 1000 && !seen.has(i));
    await until(() => unhandled().length === 0, 30_000, 'the messages sent after the failover handled').catch(() => {});
    console.log(`# sentinel, frozen master ${frozenPort} -> ${other.port}: failed over after ${failoverMs} ms; messages sent after it handled by +${Date.now() - t0} ms; ${unhandled().length} unhandled; ${sender.errors} send errors; ${consumerErrors.length} consumer errors`);
    assert.equal(unhandled().length, 0, `every message sent after the failover is handled; not: ${unhandled().slice(0, 20).join(', ')}`);
  } finally {
    frozen.process.kill('SIGCONT');
  }
  await cleanups.run();
});

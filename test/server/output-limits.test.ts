/**
 * client-output-buffer-limit in brook server: CONFIG GET/SET replies and
 * errors byte for byte against redis-server; a pub/sub subscriber that stops
 * reading is closed (hard limit at once, soft limit after its seconds) while
 * the publisher and a subscriber that keeps reading get every message; a
 * normal client reading a big reply slowly is never closed by the default
 * `normal 0 0 0`, and is by a normal limit once one is set.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Engine } from '../../src/engine/engine.ts';
import { BrookServer } from '../../src/server/server.ts';
import { encodeCommand, RawClient, replyEnd } from '../support/raw-client.ts';
import { startRedis, type RedisProcess } from '../support/redis-server.ts';
import { until } from '../support/until.ts';

/**
 * A raw RESP connection that hands out every reply and push in order and
 * can stop reading its socket (pause), like a slow client.
 */
class Peer {
  private buf = '';
  /** Data not yet parsed, kept apart while a big bulk reply is incomplete. */
  private pending: string[] = [];
  private pendingLength = 0;
  private need = 0;
  private readonly frames: string[] = [];
  private readonly waiting: Array<(frame: string) => void> = [];
  closed = false;
  received = 0;

  private constructor(private readonly sock: Socket) {
    sock.on('data', (d) => this.onData(d.toString('latin1')));
    sock.on('close', () => (this.closed = true));
    sock.on('error', () => {});
  }

  static async connect(port: number): Promise<Peer> {
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    sock.setNoDelay(true);
    return new Peer(sock);
  }

  private onData(d: string): void {
    this.pending.push(d);
    this.pendingLength += d.length;
    if (this.buf.length + this.pendingLength < this.need) return;
    this.buf += this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    let pos = 0;
    for (let end = replyEnd(this.buf, 0); end > 0; end = replyEnd(this.buf, pos)) {
      const frame = this.buf.slice(pos, end);
      pos = end;
      this.received++;
      const w = this.waiting.shift();
      if (w) w(frame);
      else this.frames.push(frame);
      if (pos === this.buf.length) break;
    }
    this.buf = this.buf.slice(pos);
    // A bulk reply at the head: parse again once all of it is here.
    const head = /^\$(\d+)\r\n/.exec(this.buf.slice(0, 24));
    this.need = head ? head[0].length + Number(head[1]) + 2 : 0;
  }

  /** The next reply or push. */
  next(): Promise<string> {
    const f = this.frames.shift();
    if (f !== undefined) return Promise.resolve(f);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  send(...commands: string[][]): void {
    this.sock.write(Buffer.from(commands.map(encodeCommand).join(''), 'latin1'));
  }

  call(...argv: string[]): Promise<string> {
    this.send(argv);
    return this.next();
  }

  /** Stop reading the socket: the kernel buffers fill, then the server's. */
  pause(): void {
    this.sock.pause();
  }

  resume(): void {
    this.sock.resume();
  }

  close(): void {
    this.sock.destroy();
  }
}

const KB = 1024;
const MESSAGE = 256 * KB;
/** Enough to fill any loopback socket buffers (tcp_rmem max + tcp_wmem max) several times. */
const MAX_MESSAGES = 400;

const payload = (i: number): string => String(i).padStart(8, '0') + 'x'.repeat(MESSAGE - 8);
const messageFrame = (channel: string, i: number): string =>
  `*3\r\n$7\r\nmessage\r\n$${channel.length}\r\n${channel}\r\n$${MESSAGE}\r\n${payload(i)}\r\n`;

let engine: Engine;
let server: BrookServer;
let port: number;
const logs: string[] = [];
let redis: RedisProcess;

before(async () => {
  engine = new Engine({ commandTiming: true });
  server = new BrookServer({ engine, port: 0, log: (l) => logs.push(l) });
  ({ port } = await server.listen());
  redis = await startRedis();
});
after(async () => {
  await server?.close();
  engine?.close();
  await redis?.stop();
});

async function subscriber(channel: string): Promise<{ peer: Peer; id: number }> {
  const peer = await Peer.connect(port);
  const id = Number((await peer.call('CLIENT', 'ID')).slice(1, -2));
  assert.match(await peer.call('SUBSCRIBE', channel), /^\*3\r\n\$9\r\nsubscribe\r\n/);
  return { peer, id };
}

test('CONFIG GET and SET client-output-buffer-limit reply exactly as redis-server', async () => {
  const ours = await RawClient.connect(port);
  const theirs = await RawClient.connect(redis.port);
  const both = async (...argv: string[]): Promise<string> => {
    const [a, b] = await Promise.all([ours.call(argv), theirs.call(argv)]);
    assert.equal(a, b, `reply to ${JSON.stringify(argv)}`);
    return a;
  };
  for (const p of ['client-output-buffer-limit', 'client-output-*', '*OUTPUT-buffer*']) {
    await both('CONFIG', 'GET', p);
  }
  const values = [
    'pubsub 1mb 256kb 2', 'PubSub 1MB 256KB 2', 'replica 1k 1KB 5', 'normal 1g 2gb 3 pubsub 1 2 3', 'slave 5 5 5 replica 6 6 6',
    'pubsub 1b 2B 3', 'pubsub mb kb 9', '', 'pubsub  1 1', 'pubsub 1 1 ', 'pubsub 007 0 +05', 'pubsub 1 1 4294967297',
    'pubsub 99999999999999999999 1 1', 'pubsub 17179869184gb 1 1', 'pubsub 18446744073709551615k 1 1', 'pubsub 1\0x 1 1',
    // refused, each with Redis's reason
    'pubsub 1mb 256kb', 'pubsub  1 1 1', ' pubsub 1 1 1', 'pubsub\t1 1 1', 'bogus 1 1 1', 'master 1 1 1', 'normal 1 1 1 bogus 2 2 2',
    'pubsub 1x 1 1', 'pubsub 1 1x 1', 'pubsub 1 1 x', 'pubsub 1 1 -1', 'pubsub -1 1 1', 'pubsub -0 1 1', 'pubsub +1 1 1',
    'pubsub 1.5mb 1 1', 'pubsub 16384pb 1 1', 'pubsub 1 1 1.5', 'pubsub 1 1 2147483648', 'pubsub 1 1 9223372036854775808',
  ];
  for (const v of values) {
    await both('CONFIG', 'SET', 'client-output-buffer-limit', v);
    await both('CONFIG', 'GET', 'client-output-buffer-limit');
  }
  // Several settings in one CONFIG SET: a bad value undoes the good ones.
  await both('CONFIG', 'SET', 'maxclients', '100', 'client-output-buffer-limit', 'bogus 1 1 1');
  await both('CONFIG', 'SET', 'Client-Output-Buffer-Limit', 'pubsub 1 1');
  await both('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 3 3 3', 'maxclients', '100');
  await both('CONFIG', 'GET', 'maxclients');
  await both('CONFIG', 'GET', 'client-output-buffer-limit');
  await both('CONFIG', 'SET', 'client-output-buffer-limit');
  await Promise.all([ours.call(['HELLO', '3']), theirs.call(['HELLO', '3'])]);
  await both('CONFIG', 'GET', 'client-output-buffer-limit');
  await both('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
  await both('CONFIG', 'SET', 'maxclients', '10000');
  ours.close();
  theirs.close();
});

/**
 * Publish MESSAGE-sized messages one at a time, each only once `fast` has
 * received the one before, until PUBLISH counts one receiver fewer than it
 * started with (or MAX_MESSAGES), then `extra` more. Returns the replies.
 */
async function publishUntilDropped(pub: Peer, fast: Peer, channel: string, extra: number): Promise<string[]> {
  const replies: string[] = [];
  let left = extra;
  for (let i = 0; i < MAX_MESSAGES && left > 0; i++) {
    replies.push(await pub.call('PUBLISH', channel, payload(i)));
    assert.equal(await fast.next(), messageFrame(channel, i), `message ${i} to the fast subscriber`);
    if (replies[i] !== replies[0]) left--;
  }
  return replies;
}

/**
 * A paused socket never sees its end: read what the server sent before
 * closing it, then the close. Returns how many messages got through.
 */
async function drainToClose(slow: Peer): Promise<number> {
  slow.resume();
  await until(() => slow.closed, 5000, 'the slow subscriber socket to close');
  return slow.received - 2;
}

test('a subscriber that stops reading is closed at the hard limit; the publisher and a fast subscriber go on', async () => {
  const admin = await Peer.connect(port);
  assert.equal(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 pubsub 1mb 256kb 1'), '+OK\r\n');
  const fast = await subscriber('news');
  const slow = await subscriber('news');
  slow.peer.pause();
  const pub = await Peer.connect(port);

  const replies = await publishUntilDropped(pub, fast.peer, 'news', 3);
  assert.equal(replies[0], ':2\r\n');
  assert.deepEqual(replies.slice(-3), [':1\r\n', ':1\r\n', ':1\r\n'], `slow subscriber still counted after ${replies.length} messages`);
  assert.ok(replies.every((r) => r === ':2\r\n' || r === ':1\r\n'));
  assert.equal(fast.peer.received, 2 + replies.length, 'CLIENT ID, subscribe and every message');
  const got = await drainToClose(slow.peer);
  assert.ok(got < replies.length - 3, `the slow subscriber got ${got} of ${replies.length} messages before its socket closed`);

  const list = await pub.call('CLIENT', 'LIST');
  assert.doesNotMatch(list, new RegExp(`id=${slow.id} `));
  assert.match(list, new RegExp(`id=${fast.id} .*flags=P`));
  assert.equal(await pub.call('PING'), '+PONG\r\n');
  assert.ok(
    logs.some((l) => l.includes(`id=${slow.id} `) && l.includes('flags=P') && l.endsWith('closed for overcoming of output buffer limits.')),
    logs.join('\n'),
  );
  for (const p of [admin, fast.peer, pub]) p.close();
});

test('over the soft limit only: closed once it has held for the soft seconds, with no more messages sent', async () => {
  const admin = await Peer.connect(port);
  assert.equal(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 pubsub 0 256kb 1'), '+OK\r\n');
  const fast = await subscriber('soft');
  const slow = await subscriber('soft');
  slow.peer.pause();
  const pub = await Peer.connect(port);

  const started = Date.now();
  // Far more than the socket buffers take, so the server holds more than 256kb for the slow one.
  for (let i = 0; i < 64; i++) {
    await pub.call('PUBLISH', 'soft', payload(i));
    assert.equal(await fast.peer.next(), messageFrame('soft', i));
  }
  const gone = async () => !(await pub.call('CLIENT', 'LIST')).includes(`id=${slow.id} `);
  await until(gone, 5000, 'the slow subscriber to be closed by the soft limit');
  assert.ok(Date.now() - started >= 1000, 'not before the soft limit has been held for 1 second');
  assert.ok((await drainToClose(slow.peer)) < 64);
  assert.equal(await pub.call('PUBLISH', 'soft', 'after'), ':1\r\n');
  assert.equal(await fast.peer.next(), '*3\r\n$7\r\nmessage\r\n$4\r\nsoft\r\n$5\r\nafter\r\n');
  for (const p of [admin, fast.peer, pub]) p.close();
});

test('normal clients: no limit by default (0 0 0), even reading a big reply slowly; a normal limit closes them', async () => {
  const admin = await Peer.connect(port);
  assert.equal(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 pubsub 1mb 256kb 1'), '+OK\r\n');
  assert.match(await admin.call('CONFIG', 'GET', 'client-output-buffer-limit'), /normal 0 0 0 /);
  const big = 'v'.repeat(4 * 1024 * KB);
  assert.equal(await admin.call('SET', 'big', big), '+OK\r\n');
  const bigReply = `$${big.length}\r\n${big}\r\n`;

  const reader = await Peer.connect(port);
  reader.pause();
  reader.send(...Array.from({ length: 8 }, () => ['GET', 'big']));
  // Several output-limit cron ticks pass while 32 MB wait for it.
  await new Promise((r) => setTimeout(r, 300));
  reader.resume();
  for (let i = 0; i < 8; i++) assert.equal(await reader.next(), bigReply, `reply ${i}`);
  assert.equal(reader.closed, false);
  assert.equal(await reader.call('PING'), '+PONG\r\n');

  assert.equal(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0'), '+OK\r\n');
  reader.pause();
  reader.send(...Array.from({ length: 8 }, () => ['GET', 'big']));
  reader.resume();
  await until(() => reader.closed, 5000, 'the normal client over its hard limit to be closed');
  assert.equal(reader.received, 9, 'the 8 replies before it, none after: closed before its first big reply was written');
  assert.equal(await admin.call('PING'), '+PONG\r\n', 'small replies stay under the limit');
  assert.equal(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0'), '+OK\r\n');
  admin.close();
});

/**
 * Pub/sub against redis-server: the same random steps (subscribe,
 * unsubscribe, pattern subscriptions, publish, PUBSUB introspection,
 * commands refused in RESP2 subscribed mode, RESP3 pushes) run on three
 * connections to brook server and three to redis-server; everything each
 * connection receives must be byte-identical.
 *
 * After every step each connection sends PING and everything up to its
 * PING reply is that step's transcript. The step's own connection pings
 * first and the others only once it is answered, so a message the step
 * published is queued on them before their PING is read, on both servers
 * (sent at once, a PING on another socket could be read before the step). What Redis leaves
 * unordered is normalised: PUBSUB CHANNELS lists, the order of pmessages for
 * one publish, and the order in which a bare UNSUBSCRIBE leaves channels.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { connect, type Socket } from 'node:net';
import { replyEnd, encodeCommand } from '../support/raw-client.ts';
import { startBrookInProcess, type InProcessServer } from '../support/brook-server.ts';
import { startRedis, type RedisProcess } from '../support/redis-server.ts';

let redis: RedisProcess;
let brook: InProcessServer;
before(async () => {
  [redis, brook] = await Promise.all([startRedis(), startBrookInProcess()]);
});
after(async () => {
  await Promise.all([redis?.stop(), brook?.stop()]);
});

/** A connection that keeps every byte it receives. */
class Tap {
  private buf = '';
  private waiter: (() => void) | null = null;
  private constructor(private readonly sock: Socket) {
    sock.on('data', (d) => {
      this.buf += d.toString('latin1');
      this.waiter?.();
    });
  }
  static async open(port: number): Promise<Tap> {
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((r, j) => sock.once('connect', r).once('error', j));
    return new Tap(sock);
  }
  send(argv: string[]): void {
    this.sock.write(Buffer.from(encodeCommand(argv), 'latin1'));
  }
  /** Complete replies received so far, until one satisfies `last`. */
  async until(last: (reply: string) => boolean): Promise<string[]> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const out: string[] = [];
      let pos = 0;
      for (;;) {
        const end = replyEnd(this.buf, pos);
        if (end < 0) break;
        out.push(this.buf.slice(pos, end));
        pos = end;
        if (last(out[out.length - 1])) {
          this.buf = this.buf.slice(pos);
          return out;
        }
      }
      if (Date.now() > deadline) throw new Error(`no PING reply; got ${JSON.stringify(this.buf)}`);
      await new Promise<void>((r) => {
        this.waiter = r;
        setTimeout(r, 50);
      });
    }
  }
  close(): void {
    this.sock.destroy();
  }
}

const PING_REPLIES = new Set(['+PONG\r\n', '*2\r\n$4\r\npong\r\n$0\r\n\r\n']);

function normaliseChunk(replies: string[]): string {
  const pm = replies.filter((r) => r.includes('\r\npmessage\r\n')).sort();
  let k = 0;
  const unsub = replies.map((r) => /^\*3\r\n\$1[12]\r\np?unsubscribe\r\n\$\d+\r\n(.*)\r\n:\d+\r\n$/s.exec(r)?.[1]).filter((x) => x !== undefined).sort();
  let u = 0;
  return replies
    .map((r) => {
      if (r.includes('\r\npmessage\r\n')) return pm[k++];
      const m = /^(\*3\r\n\$1[12]\r\np?unsubscribe\r\n)\$\d+\r\n.*\r\n(:\d+\r\n)$/s.exec(r);
      if (m) {
        const name = unsub[u++] as string;
        return `${m[1]}$${name.length}\r\n${name}\r\n${m[2]}`;
      }
      // PUBSUB CHANNELS: an array of bulk names in unspecified order.
      if (/^\*\d+\r\n(\$\d+\r\n[^\r]*\r\n)*$/.test(r) && !r.startsWith('*3\r\n$7\r\nmessage') && !r.startsWith('*2\r\n$4\r\npong')) {
        const items = r.split('\r\n').slice(1, -1);
        const pairs: string[] = [];
        for (let i = 0; i < items.length; i += 2) pairs.push(`${items[i]}\r\n${items[i + 1]}\r\n`);
        return `${r.split('\r\n')[0]}\r\n${pairs.sort().join('')}`;
      }
      return r;
    })
    .join('');
}

const channel = fc.constantFrom('news', 'news.tech', 'sport', 'n', 'x');
const pattern = fc.constantFrom('news*', 's?ort', '[ns]*', 'x');
const step: fc.Arbitrary<[number, string[]]> = fc.tuple(
  fc.integer({ min: 0, max: 2 }),
  fc.oneof(
    { weight: 4, arbitrary: fc.array(channel, { minLength: 1, maxLength: 2 }).map((cs) => ['SUBSCRIBE', ...cs]) },
    { weight: 2, arbitrary: fc.array(channel, { maxLength: 2 }).map((cs) => ['UNSUBSCRIBE', ...cs]) },
    { weight: 2, arbitrary: pattern.map((p) => ['PSUBSCRIBE', p]) },
    { weight: 1, arbitrary: fc.array(pattern, { maxLength: 1 }).map((ps) => ['PUNSUBSCRIBE', ...ps]) },
    { weight: 6, arbitrary: fc.tuple(channel, fc.constantFrom('hi', '', 'é\u0000x')).map(([c, m]) => ['PUBLISH', c, m]) },
    { weight: 2, arbitrary: fc.constantFrom<string[]>(['PUBSUB', 'NUMPAT'], ['PUBSUB', 'CHANNELS'], ['PUBSUB', 'CHANNELS', 'news*'], ['PUBSUB', 'NUMSUB', 'news', 'sport', 'none'], ['PUBSUB', 'BOGUS']) },
    { weight: 1, arbitrary: fc.constantFrom<string[]>(['GET', 'k'], ['PING', 'msg'], ['SUBSCRIBE'], ['PUBLISH', 'a']) },
  ),
);

test('random pub/sub steps on three connections match redis-server byte for byte', async () => {
  const runs = Number(process.env.DIFF_RUNS ?? 40);
  let last = '';
  await fc
    .assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 15 }), async (steps) => {
        const sides = await Promise.all([redis.port, brook.port].map(async (port) => Promise.all([0, 1, 2].map(() => Tap.open(port)))));
        try {
          const transcripts: string[][] = [[], []];
          for (const [who, argv] of steps) {
            for (let side = 0; side < 2; side++) {
              const conns = sides[side];
              const chunk = (i: number) => conns[i].until((r) => PING_REPLIES.has(r)).then(normaliseChunk);
              // The step's own connection first: once its PING is answered, what the step
              // published is queued on the others, so their PINGs, sent only now, come after it.
              conns[who].send(argv);
              conns[who].send(['PING']);
              const chunks: string[] = [];
              chunks[who] = await chunk(who);
              for (let i = 0; i < conns.length; i++) if (i !== who) conns[i].send(['PING']);
              for (let i = 0; i < conns.length; i++) if (i !== who) chunks[i] = await chunk(i);
              chunks.forEach((c, i) => transcripts[side].push(`${i}> ${c}`));
            }
            const [r, b] = transcripts;
            if (r.join('\n') !== b.join('\n')) {
              last = `steps ${JSON.stringify(steps)}\nredis: ${JSON.stringify(r.slice(-3))}\nbrook: ${JSON.stringify(b.slice(-3))}`;
              return false;
            }
          }
          return true;
        } finally {
          for (const s of sides) for (const c of s) c.close();
        }
      }),
      { numRuns: runs, seed: Number(process.env.DIFF_SEED ?? 5) },
    )
    .catch((e) => {
      throw new Error(`${last}\n${(e as Error).message.split('\n').slice(0, 3).join('\n')}`);
    });
});

test('RESP3: messages arrive as pushes and any command runs while subscribed', async () => {
  const out: string[][] = [];
  for (const port of [redis.port, brook.port]) {
    const [sub, pub] = await Promise.all([Tap.open(port), Tap.open(port)]);
    sub.send(['HELLO', '3']);
    await sub.until((r) => r.startsWith('%'));
    sub.send(['SUBSCRIBE', 'c1', 'c2']);
    sub.send(['PSUBSCRIBE', 'c*']);
    sub.send(['GET', 'nokey']);
    const got = await sub.until((r) => r === '_\r\n');
    pub.send(['PUBLISH', 'c1', 'payload']);
    await pub.until(() => true);
    sub.send(['PING']);
    got.push(...(await sub.until((r) => r === '+PONG\r\n')));
    sub.send(['UNSUBSCRIBE', 'c1', 'c2']); // a bare UNSUBSCRIBE leaves them in Redis's dict order
    sub.send(['PUNSUBSCRIBE']);
    sub.send(['PING']);
    got.push(...(await sub.until((r) => r === '+PONG\r\n')));
    out.push(got);
    sub.close();
    pub.close();
  }
  assert.deepEqual(out[1], out[0]);
  assert.ok(out[0].some((r) => r.startsWith('>4\r\n$8\r\npmessage')), 'a pattern message as a push');
});

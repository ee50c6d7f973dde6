/**
 * The Redis adapter sends the commands of one tick in one write: a
 * producer's batch, or a consumer's acks and its next read, cost the server
 * one read (and one reply write) instead of one per command. Counted by
 * redis-server itself (INFO stats: total_reads_processed).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Connection } from '../../src/client/index.ts';
import { startRedis, type RedisProcess } from '../support/redis-server.ts';

let redis: RedisProcess;
let c: Connection;
before(async () => {
  redis = await startRedis();
  c = await connect(redis.url);
});
after(async () => {
  await c?.close();
  await redis?.stop();
});

const readsProcessed = async (): Promise<number> => Number(/total_reads_processed:(\d+)/.exec(String(await c.send(['INFO', 'stats'])))?.[1]);

/**
 * `count` INCRs of `key` in one tick, `gapMs` apart (busy-waiting): written
 * one by one, an idle server would read them one by one. Their replies.
 */
function incrsInOneTick(key: string, count: number, gapMs: number): Promise<unknown[]> {
  const replies: Array<Promise<unknown>> = [];
  for (let i = 0; i < count; i++) {
    replies.push(c.send(['INCR', key]));
    for (const until = performance.now() + gapMs; performance.now() < until; );
  }
  return Promise.all(replies);
}

test('commands sent in one tick reach redis-server in one read, and their replies keep their order', async () => {
  const before = await readsProcessed();
  assert.deepEqual(await incrsInOneTick('n', 20, 0.5), Array.from({ length: 20 }, (_, i) => i + 1));
  // One read for the 20 INCRs, one for the INFO that counts.
  assert.equal((await readsProcessed()) - before, 2);
  // The next tick's commands go out too (the socket was uncorked).
  assert.equal(await c.send(['GET', 'n']), '20');
});

test('a long run of sends in one tick goes out in writes of at most 64 commands', async () => {
  const before = await readsProcessed();
  assert.equal((await incrsInOneTick('m', 200, 0.05)).at(-1), 200);
  // 200 commands: writes of 64, 64, 64 and 8; the server may take two in one read, never one in two.
  const reads = (await readsProcessed()) - before - 1;
  assert.ok(reads >= 2 && reads <= 4, `${reads} reads`);
});

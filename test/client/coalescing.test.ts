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

test('commands sent in one tick reach redis-server in one read, and their replies keep their order', async () => {
  const before = await readsProcessed();
  const replies: Array<Promise<unknown>> = [];
  for (let i = 0; i < 20; i++) {
    replies.push(c.send(['INCR', 'n']));
    // Half a millisecond between sends, in the same tick: written one by one,
    // an idle server would read them one by one.
    for (const until = performance.now() + 0.5; performance.now() < until; );
  }
  assert.deepEqual(await Promise.all(replies), Array.from({ length: 20 }, (_, i) => i + 1));
  // One read for the 20 INCRs, one for the INFO that counts.
  assert.equal((await readsProcessed()) - before, 2);
  // The next tick's commands go out too (the socket was uncorked).
  assert.equal(await c.send(['GET', 'n']), '20');
});

test('a long run of sends in one tick goes out in writes of at most 64 commands', async () => {
  const before = await readsProcessed();
  const replies: Array<Promise<unknown>> = [];
  for (let i = 0; i < 200; i++) {
    replies.push(c.send(['INCR', 'm']));
    for (const until = performance.now() + 0.05; performance.now() < until; );
  }
  assert.equal((await Promise.all(replies)).at(-1), 200);
  // 200 commands: writes of 64, 64, 64 and 8; the server may take two in one read, never one in two.
  const reads = (await readsProcessed()) - before - 1;
  assert.ok(reads >= 2 && reads <= 4, `${reads} reads`);
});

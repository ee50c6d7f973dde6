import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis } from './redis-server.ts';
import { diffPair, compareSequence, showMismatch } from './differential.ts';

test('startRedis runs a real redis-server on a free port and the diff harness compares bytes', async () => {
  const redis = await startRedis();
  const pair = await diffPair(redis.port);
  try {
    const cmds = [['PING'], ['PING', 'hello'], ['ECHO', 'a\r\nb'], ['NOSUCH', 'x\ny'], ['ECHO']];
    const m = await compareSequence(pair, cmds);
    assert.equal(m, null, m ? showMismatch(m, cmds) : '');
    // The harness must be able to fail: a different command on each side differs.
    assert.notEqual(await pair.redis.call(['PING']), await pair.redis.call(['ECHO', 'x']));
  } finally {
    pair.close();
    await redis.stop();
  }
});

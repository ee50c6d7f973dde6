import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testEngine } from '../testing/helpers.ts';
import { ErrorReply, NULL_ARRAY, SimpleString } from '../reply.ts';
import { scriptingOf } from './index.ts';

test('a script that runs past busy-reply-threshold without writing is stopped with BUSY; pcall cannot swallow it', () => {
  const t = testEngine();
  const logs: string[] = [];
  scriptingOf(t.engine).logger = (_level, msg) => logs.push(msg);
  t.run('CONFIG', 'SET', 'busy-reply-threshold', '50');
  for (const body of ['while true do end', 'while true do pcall(function() while true do end end) end']) {
    const started = performance.now();
    const r = t.run('EVAL', body, '0');
    assert.ok(r instanceof ErrorReply && r.message.startsWith('BUSY Script killed'), String((r as ErrorReply).message));
    assert.ok(performance.now() - started < 5000);
  }
  assert.equal(logs.length, 2);
  assert.deepEqual(t.run('EVAL', 'return 7', '0'), 7, 'the engine keeps working');
  t.close();
});

test('a script that has written runs to the end past the threshold (atomicity), with a warning', () => {
  const t = testEngine();
  const logs: string[] = [];
  scriptingOf(t.engine).logger = (level, msg) => logs.push(`${level}: ${msg}`);
  t.run('CONFIG', 'SET', 'busy-reply-threshold', '20');
  const body = "redis.call('SET', 'k', 'started')\nlocal n = 0\nfor i = 1, 3000000 do n = n + 1 end\nredis.call('SET', 'k', n)\nreturn n";
  assert.equal(t.run('EVAL', body, '0'), 3000000);
  assert.equal(t.run('GET', 'k'), '3000000');
  assert.ok(logs.some((l) => l.startsWith('warning: Slow script detected')), logs.join('\n'));
  t.close();
});

test('script effects are propagated as the commands they ran, wrapped in MULTI/EXEC', () => {
  const t = testEngine();
  const seen: string[][] = [];
  t.engine.onPropagate((db, argv) => seen.push([String(db), ...argv]));
  t.run('EVAL', "redis.call('SET', KEYS[1], 'v') redis.call('INCR', 'n') return 1", '1', 'k');
  t.run('EVAL', "return redis.call('GET', 'k')", '0');
  t.run('EVAL', "redis.call('SET', 'k', 'v', 'NX') return 1", '0');
  assert.deepEqual(seen, [['0', 'MULTI'], ['0', 'SET', 'k', 'v'], ['0', 'INCR', 'n'], ['0', 'EXEC']]);
  t.close();
});

test('a script write invalidates WATCH; scripts queue inside MULTI and run in EXEC', () => {
  const t = testEngine();
  const other = t.engine.createSession();
  other.call(['WATCH', 'k']);
  t.run('EVAL', "return redis.call('SET', 'k', '1')", '0');
  other.call(['MULTI']);
  other.call(['GET', 'k']);
  assert.equal(other.call(['EXEC']), NULL_ARRAY);
  t.run('MULTI');
  assert.deepEqual(t.run('EVAL', "return redis.call('INCR', 'k')", '0'), new SimpleString('QUEUED'));
  assert.deepEqual(t.run('EXEC'), [2]);
  t.close();
});

test('SCRIPT FLUSH forgets scripts; the script client keeps its own database', () => {
  const t = testEngine();
  const sha = t.run('SCRIPT', 'LOAD', 'return 1') as string;
  assert.equal(t.run('EVALSHA', sha, '0'), 1);
  t.run('SCRIPT', 'FLUSH');
  assert.ok((t.run('EVALSHA', sha, '0') as ErrorReply).message.startsWith('NOSCRIPT'));
  t.run('SELECT', '3');
  t.run('EVAL', "redis.call('SELECT', 5) return redis.call('SET', 'x', 1)", '0');
  assert.equal(t.session.dbIndex, 3);
  assert.equal(t.run('EVAL', "return redis.call('GET', 'x')", '0'), null);
  t.run('SELECT', '5');
  assert.equal(t.run('GET', 'x'), '1');
  t.close();
});

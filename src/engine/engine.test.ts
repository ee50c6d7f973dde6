import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from './engine.ts';
import { ErrorReply, SimpleString } from './reply.ts';

test('PING, ECHO, unknown command and arity errors use Redis texts', () => {
  const e = new Engine({ activeExpire: false });
  const s = e.createSession();
  assert.deepEqual(s.call(['PING']), new SimpleString('PONG'));
  assert.equal(s.call(['ping', 'hi']), 'hi');
  assert.equal(s.call(['ECHO', 'x']), 'x');
  const unknown = s.call(['NOPE', 'a', 'b']) as ErrorReply;
  assert.equal(unknown.message, "ERR unknown command 'NOPE', with args beginning with: 'a' 'b' ");
  assert.equal((s.call(['echo']) as ErrorReply).message, "ERR wrong number of arguments for 'echo' command");
  e.close();
});

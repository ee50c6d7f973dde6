/**
 * Differential test: random sequences of keyspace, string, hash and
 * transaction commands (valid and invalid, with wrong types) on the engine
 * and on a real redis-server; replies must be byte-identical.
 * KEYS replies are compared as sorted sets (Redis leaves their order open);
 * TTLs are compared as "has one / has none" since the two clocks differ by
 * a few ms, and only long TTLs are set so nothing expires mid-test; EXPIRE's
 * GT and LT are tried with absolute times only (see the generator).
 */
import { test } from 'node:test';
import fc from 'fast-check';
import { assertRandomSequencesMatch, sortBulkArray, useDiffPair } from '../support/differential.ts';

const RUNS = Number(process.env.DIFF_RUNS ?? 150);
const LEN = Number(process.env.DIFF_LEN ?? 30);
const SEED = Number(process.env.DIFF_SEED ?? 7);

const current = useDiffPair();

const key = fc.constantFrom('a', 'a', 'b', 'h', 'h', 'n', 'x:1', 'x:2');
const value = fc.constantFrom('1', '10', '-3', 'abc', '', '9223372036854775807', '-9223372036854775808', '01', '3.5', 'é');
const int = fc.constantFrom('1', '0', '-1', '5', '100', 'x', '9223372036854775807', '-9223372036854775808', '1.5', '');
const field = fc.constantFrom('f', 'g', 'h', '1');
const ttl = fc.constantFrom('1000', '2000', '0', '-1', 'x', '9223372036854775807', '100000');

const simple: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(key, value, fc.subarray(['NX', 'XX', 'GET', 'KEEPTTL', 'EX', 'PX', 'EXAT'])).map(([k, v, o]) => ['SET', k, v, ...o.flatMap((x) => (x === 'EX' ? ['EX', '1000'] : x === 'PX' ? ['PX', '1000000'] : x === 'EXAT' ? ['EXAT', '99999999999'] : [x]))]) },
  { weight: 4, arbitrary: key.map((k) => ['GET', k]) },
  { weight: 1, arbitrary: fc.tuple(key, value).map(([k, v]) => ['SETNX', k, v]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('SETEX', 'PSETEX'), key, ttl, value).map(([c, k, t, v]) => [c, k, t, v]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('GETDEL', 'STRLEN', 'INCR', 'DECR', 'TYPE', 'PERSIST'), key).map(([c, k]) => [c, k]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('INCRBY', 'DECRBY', 'APPEND', 'GETSET'), key, int).map(([c, k, v]) => [c, k, v]) },
  { weight: 1, arbitrary: fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => ['MGET', ...ks]) },
  { weight: 1, arbitrary: fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 2 }).map((kv) => ['MSET', ...kv.flat()]) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['MSET', 'a'], ['MSET', 'a', '1', 'b']) },
  { weight: 4, arbitrary: fc.tuple(key, fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 3 })).map(([k, fv]) => ['HSET', k, ...fv.flat()]) },
  { weight: 1, arbitrary: fc.tuple(key, field).map(([k, f]) => ['HSET', k, f]) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('HGET', 'HEXISTS', 'HSTRLEN'), key, field).map(([c, k, f]) => [c, k, f]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('HGETALL', 'HKEYS', 'HVALS', 'HLEN'), key).map(([c, k]) => [c, k]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('HDEL', 'HMGET'), key, fc.array(field, { minLength: 1, maxLength: 3 })).map(([c, k, fs]) => [c, k, ...fs]) },
  { weight: 2, arbitrary: fc.tuple(key, field, int).map(([k, f, v]) => ['HINCRBY', k, f, v]) },
  { weight: 1, arbitrary: fc.tuple(key, field, value).map(([k, f, v]) => ['HSETNX', k, f, v]) },
  { weight: 1, arbitrary: fc.tuple(key, field, value).map(([k, f, v]) => ['HMSET', k, f, v]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('DEL', 'EXISTS', 'UNLINK'), fc.array(key, { minLength: 1, maxLength: 3 })).map(([c, ks]) => [c, ...ks]) },
  // GT/LT only with absolute times: with relative ones, a second EXPIRE of the same length is "greater"
  // exactly when a millisecond passed between the two, which the two servers' clocks need not agree on.
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('EXPIRE', 'PEXPIRE'), key, ttl, fc.subarray(['NX', 'XX', 'FOO'], { maxLength: 2 })).map(([c, k, t, o]) => [c, k, t, ...o]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('EXPIREAT', 'PEXPIREAT'), key, fc.constantFrom('99999999999', '99999999999999', '1', 'x'), fc.subarray(['NX', 'XX', 'GT', 'LT', 'FOO'], { maxLength: 2 })).map(([c, k, t, o]) => [c, k, t, ...o]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('TTL', 'PTTL', 'EXPIRETIME'), key).map(([c, k]) => [c, k]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('RENAME', 'RENAMENX'), key, key).map(([c, a, b]) => [c, a, b]) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['KEYS', '*'], ['KEYS', 'x:*'], ['KEYS', '[ab]'], ['KEYS', '?'], ['DBSIZE'], ['SELECT', '1'], ['SELECT', '0'], ['SELECT', '99'], ['FLUSHDB'], ['ECHO', 'hi'], ['PING'], ['NOSUCHCMD', 'a'], ['GET'], ['SCAN', 'x']) },
);

const cmd: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 12, arbitrary: simple },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['MULTI'], ['EXEC'], ['DISCARD'], ['UNWATCH']) },
  { weight: 1, arbitrary: fc.array(key, { minLength: 1, maxLength: 2 }).map((ks) => ['WATCH', ...ks]) },
);

function normalise(reply: string, argv: string[]): string {
  const c = argv[0].toUpperCase();
  if (c === 'KEYS') return sortBulkArray(reply);
  if (c === 'TTL' || c === 'PTTL') return reply.replace(/^:\d+\r\n$/, ':positive\r\n');
  return reply; // inside MULTI, compareSequence applies this to each element of EXEC's reply
}

test('random keyspace, string, hash and MULTI sequences match redis-server reply for reply', async () => {
  await assertRandomSequencesMatch(current(), cmd, {
    normalise,
    runs: RUNS,
    len: LEN,
    seed: SEED,
    // Leave any MULTI or WATCH of the previous run before flushing.
    prepare: async (p) => {
      for (const c of [['DISCARD'], ['UNWATCH']]) {
        await p.redis.call(c);
        await p.session.call(c);
      }
    },
  });
});

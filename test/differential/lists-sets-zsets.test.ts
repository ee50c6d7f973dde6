/**
 * Differential test: random sequences of list, set and sorted set commands
 * (valid and invalid, wrong types, edge indices and scores, non-blocking
 * uses of the blocking commands inside MULTI) on the engine and on a real
 * redis-server; replies must be byte-identical. SMEMBERS is compared as a
 * sorted set (Redis leaves its order open).
 */
import { test } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { assertRandomSequencesMatch, compareSequence, showMismatch, sortBulkArray, useDiffPair } from '../support/differential.ts';

const RUNS = Number(process.env.DIFF_RUNS ?? 200);
const LEN = Number(process.env.DIFF_LEN ?? 30);
const SEED = Number(process.env.DIFF_SEED ?? 11);

const current = useDiffPair();

const key = fc.constantFrom('l', 'l', 'm', 's', 'z', 'z', 'y', 'str');
const elem = fc.constantFrom('a', 'b', 'c', 'a', '1', '', 'é', 'longer-element');
const idx = fc.constantFrom('0', '1', '-1', '2', '-2', '5', '-100', '100', 'x', '9223372036854775807', '1.5');
const count = fc.constantFrom('0', '1', '2', '3', '-1', 'x', '10');
const score = fc.constantFrom('1', '2', '2.5', '-1', '0', '+inf', '-inf', 'inf', '1e3', 'x', 'nan', '(1', '3.14159');
const bound = fc.constantFrom('-inf', '+inf', '0', '1', '(1', '2', '(2.5', '10', 'x', '(');
const lexBound = fc.constantFrom('-', '+', '[a', '(a', '[b', '(c', 'a', '[');
const end = fc.constantFrom('LEFT', 'RIGHT', 'left', 'UP');

const list: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom('LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX'), key, fc.array(elem, { minLength: 1, maxLength: 4 })).map(([c, k, es]) => [c, k, ...es]) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('LPOP', 'RPOP'), key, fc.option(count, { nil: undefined })).map(([c, k, n]) => (n === undefined ? [c, k] : [c, k, n])) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('LPOP', 'RPOP'), key).map(([c, k]) => [c, k, '1', '2']) },
  { weight: 2, arbitrary: key.map((k) => ['LLEN', k]) },
  { weight: 3, arbitrary: fc.tuple(key, idx, idx).map(([k, a, b]) => ['LRANGE', k, a, b]) },
  { weight: 2, arbitrary: fc.tuple(key, idx).map(([k, i]) => ['LINDEX', k, i]) },
  { weight: 1, arbitrary: fc.tuple(key, idx, elem).map(([k, i, e]) => ['LSET', k, i, e]) },
  { weight: 2, arbitrary: fc.tuple(key, fc.constantFrom('0', '1', '-1', '2', '-2', 'x'), elem).map(([k, n, e]) => ['LREM', k, n, e]) },
  { weight: 1, arbitrary: fc.tuple(key, idx, idx).map(([k, a, b]) => ['LTRIM', k, a, b]) },
  { weight: 2, arbitrary: fc.tuple(key, key, end, end).map(([a, b, x, y]) => ['LMOVE', a, b, x, y]) },
  { weight: 1, arbitrary: fc.tuple(key, key).map(([a, b]) => ['RPOPLPUSH', a, b]) },
  // Blocking commands: with data they serve at once; without, a short timeout (or MULTI) answers nil.
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('BLPOP', 'BRPOP'), fc.array(key, { minLength: 1, maxLength: 2 }), fc.constantFrom('0.01', 'x', '-1')).map(([c, ks, t]) => [c, ...ks, t]) },
  { weight: 1, arbitrary: fc.tuple(key, key, end, end, fc.constantFrom('0.01', '-1')).map(([a, b, x, y, t]) => ['BLMOVE', a, b, x, y, t]) },
);

const set: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('SADD', 'SREM', 'SMISMEMBER'), key, fc.array(elem, { minLength: 1, maxLength: 3 })).map(([c, k, es]) => [c, k, ...es]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('SCARD', 'SMEMBERS'), key).map(([c, k]) => [c, k]) },
  { weight: 2, arbitrary: fc.tuple(key, elem).map(([k, e]) => ['SISMEMBER', k, e]) },
);

const zaddOpts = fc.subarray(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'], { maxLength: 3 });
const zset: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(key, zaddOpts, fc.array(fc.tuple(score, elem), { minLength: 1, maxLength: 3 })).map(([k, o, sm]) => ['ZADD', k, ...o, ...sm.flat()]) },
  { weight: 1, arbitrary: fc.tuple(key, score).map(([k, s]) => ['ZADD', k, s]) },
  { weight: 2, arbitrary: fc.tuple(key, score, elem).map(([k, s, e]) => ['ZINCRBY', k, s, e]) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('ZSCORE', 'ZRANK', 'ZREVRANK'), key, elem).map(([c, k, e]) => [c, k, e]) },
  { weight: 1, arbitrary: key.map((k) => ['ZCARD', k]) },
  { weight: 2, arbitrary: fc.tuple(key, fc.array(elem, { minLength: 1, maxLength: 3 })).map(([k, es]) => ['ZREM', k, ...es]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('ZCOUNT', 'ZREMRANGEBYSCORE'), key, bound, bound).map(([c, k, a, b]) => [c, k, a, b]) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(key, fc.constantFrom<'rank' | 'score' | 'lex'>('rank', 'score', 'lex'), fc.boolean(), fc.subarray(['WITHSCORES', 'LIMIT'], { maxLength: 2 }), idx, idx)
      .map(([k, t, rev, o, a, b]) => {
        const [min, max] = t === 'score' ? ['-inf', '+inf'] : t === 'lex' ? ['-', '+'] : [a, b];
        const args = ['ZRANGE', t === 'lex' ? 'lx' : k, t === 'score' ? (rev ? max : min) : t === 'lex' ? (rev ? '+' : '-') : min, t === 'score' ? (rev ? min : max) : t === 'lex' ? (rev ? '-' : '+') : max];
        if (t === 'score') args.push('BYSCORE');
        if (t === 'lex') args.push('BYLEX');
        if (rev) args.push('REV');
        for (const x of o) args.push(...(x === 'LIMIT' ? ['LIMIT', a, b] : [x]));
        return args;
      }),
  },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('ZRANGEBYSCORE', 'ZREVRANGEBYSCORE'), key, bound, bound, fc.subarray(['WITHSCORES', 'LIMIT'], { maxLength: 2 }), count, count).map(([c, k, a, b, o, x, y]) => [c, k, a, b, ...o.flatMap((v) => (v === 'LIMIT' ? ['LIMIT', x, y] : [v]))]) },
  // Lex ranges are defined only when every score is equal (Redis documents the rest as undefined):
  // they run on 'lx', which only ever gets score 0.
  { weight: 2, arbitrary: elem.map((e) => ['ZADD', 'lx', '0', e]) },
  { weight: 2, arbitrary: fc.tuple(lexBound, lexBound).map(([a, b]) => ['ZRANGEBYLEX', 'lx', a, b]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('ZREVRANGE', 'ZRANGE'), key, idx, idx, fc.constantFrom([], ['WITHSCORES'], ['REV'], ['BYLEX', 'WITHSCORES'], ['FOO'], ['LIMIT', '0', '-1'])).map(([c, k, a, b, o]) => [c, k, a, b, ...o]) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('ZPOPMIN', 'ZPOPMAX'), key, fc.option(count, { nil: undefined })).map(([c, k, n]) => (n === undefined ? [c, k] : [c, k, n])) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('BZPOPMIN', 'BZPOPMAX'), fc.array(key, { minLength: 1, maxLength: 2 }), fc.constantFrom('0.01', 'x')).map(([c, ks, t]) => [c, ...ks, t]) },
);

const cmd: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 8, arbitrary: list },
  { weight: 4, arbitrary: set },
  { weight: 8, arbitrary: zset },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('SET', 'TYPE', 'DEL'), key).map(([c, k]) => (c === 'SET' ? [c, k, 'v'] : [c, k])) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['MULTI'], ['EXEC'], ['DISCARD']) },
);

function normalise(reply: string, argv: string[]): string {
  return argv[0].toUpperCase() === 'SMEMBERS' ? sortBulkArray(reply) : reply;
}

test('random list, set and sorted set sequences match redis-server reply for reply', async () => {
  await assertRandomSequencesMatch(current(), cmd, {
    normalise,
    runs: RUNS,
    len: LEN,
    seed: SEED,
    prepare: async (p) => {
      await p.redis.call(['DISCARD']);
      await p.session.call(['DISCARD']);
    },
  });
});

test('the same in RESP3 (HELLO 3): maps, sets, doubles and nested score pairs match too', async () => {
  const hello = async (p: ReturnType<typeof current>, v: string) => {
    await p.redis.call(['DISCARD']);
    await p.session.call(['DISCARD']);
    await p.redis.call(['HELLO', v]);
    await p.session.call(['HELLO', v]);
  };
  try {
    await assertRandomSequencesMatch(current(), cmd, {
      normalise: (reply, argv) => (argv[0].toUpperCase() === 'SMEMBERS' ? sortBulkArray(reply.replace(/^~/, '*')) : reply),
      runs: Math.ceil(RUNS / 2),
      len: LEN,
      seed: SEED + 1,
      prepare: (p) => hello(p, '3'),
    });
  } finally {
    await hello(current(), '2');
  }
});

test('score replies in RESP2 and RESP3: flat pairs, nested pairs, doubles (fixed corpus)', async () => {
  const p = current();
  const corpus: string[][] = [
    ['ZADD', 'z', '1.5', 'a', '2', 'b', '-inf', 'c', '1e3', 'd'],
    ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
    ['ZRANGE', 'z', '0', '-1', 'WITHSCORES', 'REV'],
    ['ZRANGE', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', '0', '2', 'WITHSCORES'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES'],
    ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'WITHSCORES', 'LIMIT', '1', '2'],
    ['ZREVRANGE', 'z', '0', '1', 'WITHSCORES'],
    ['ZRANGE', 'z', '5', '9', 'WITHSCORES'],
    ['ZSCORE', 'z', 'a'],
    ['ZINCRBY', 'z', '0.25', 'a'],
    ['ZADD', 'z', 'INCR', '1', 'b'],
    ['ZPOPMIN', 'z'],
    ['ZPOPMAX', 'z', '2'],
    ['ZPOPMIN', 'z', '1'],
    ['ZPOPMIN', 'nokey', '2'],
    ['ZPOPMIN', 'nokey'],
    ['ZADD', 'z', '3', 'e'],
    ['BZPOPMIN', 'z', '0.01'],
    ['BZPOPMAX', 'z', 'nokey', '0.01'],
    ['MULTI'],
    ['ZADD', 'q', '1', 'x', '2', 'y'],
    ['ZRANGE', 'q', '0', '-1', 'WITHSCORES'],
    ['ZPOPMIN', 'q', '5'],
    ['EXEC'],
    ['HSET', 'h', 'f', 'v'],
    ['HGETALL', 'h'],
    ['EVAL', "redis.setresp(3); return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')", '1', 'z'],
    ['EVAL', "return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')", '1', 'z'],
  ];
  for (const v of ['2', '3']) {
    await p.reset();
    await p.redis.call(['HELLO', v]);
    await p.session.call(['HELLO', v]);
    const m = await compareSequence(p, corpus);
    assert.equal(m && showMismatch(m, corpus), null, `RESP${v}`);
  }
  await p.redis.call(['HELLO', '2']);
  await p.session.call(['HELLO', '2']);
});

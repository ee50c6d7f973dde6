/**
 * Differential test: random sequences of stream and consumer-group commands
 * (valid and invalid) run on the engine and on a real redis-server; every
 * reply must be byte-identical after the narrow normalisation below.
 *
 * DIFF_RUNS (default 150) and DIFF_LEN (default 30) scale the run; the seed
 * is fixed so CI is reproducible (DIFF_SEED to explore others).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertRandomSequencesMatch, compareSequence, useDiffPair } from '../support/differential.ts';

const RUNS = Number(process.env.DIFF_RUNS ?? 150);
const LEN = Number(process.env.DIFF_LEN ?? 30);
const SEED = Number(process.env.DIFF_SEED ?? 4242);

const current = useDiffPair();

const key = fc.constantFrom('s1', 's1', 's1', 's2', 'str');
const group = fc.constantFrom('g1', 'g1', 'g2');
const consumer = fc.constantFrom('c1', 'c2', 'c3');
const ms = fc.integer({ min: 0, max: 6 }).map(String);
const seq = fc.integer({ min: 0, max: 3 }).map(String);
const plainId = fc.tuple(ms, seq).map(([a, b]) => `${a}-${b}`);
/** IDs for reads and ranges, including edge and malformed ones. */
const anyId = fc.oneof(
  { weight: 8, arbitrary: plainId },
  { weight: 1, arbitrary: ms },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '-', '+', '0', '0-0', '(1-0', '(0-0', '(18446744073709551615-18446744073709551615', 'bad', '1-x', '-1',
      '18446744073709551615-18446744073709551615', '18446744073709551616', '1-18446744073709551615', '01', ' 3',
    ),
  },
);
const addId = fc.oneof(
  { weight: 8, arbitrary: plainId },
  { weight: 1, arbitrary: fc.constantFrom('*', '3-*', '0-*', '0-0', '18446744073709551615-18446744073709551615', 'bad') },
);
const fieldValues = fc
  .array(fc.tuple(fc.constantFrom('f', 'g', 'name', '42', ''), fc.constantFrom('v', '1', 'x'.repeat(70), '-3')), { minLength: 1, maxLength: 3 })
  .map((pairs) => pairs.flat());
const count = fc.constantFrom('0', '1', '2', '5', '-1', 'x');
const trim = fc.option(
  fc.tuple(
    fc.constantFrom('MAXLEN', 'MINID', 'maxlen'),
    fc.constantFrom(undefined, '~', '='),
    fc.constantFrom('0', '1', '2', '3', '2-0', '-1', 'x'),
    fc.option(fc.constantFrom('0', '1', '5', '-1'), { nil: undefined }),
  ),
  { nil: undefined },
).map((t) => (t === undefined ? [] : [t[0], ...(t[1] ? [t[1]] : []), t[2], ...(t[3] !== undefined ? ['LIMIT', t[3]] : [])]));

const cmd: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(key, fc.boolean(), trim, addId, fieldValues).map(([k, nomk, t, id, fv]) => ['XADD', k, ...(nomk ? ['NOMKSTREAM'] : []), ...t, id, ...fv]) },
  { weight: 1, arbitrary: fc.tuple(key, addId).map(([k, id]) => ['XADD', k, id, 'f']) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('XRANGE', 'XREVRANGE'), key, anyId, anyId, fc.option(count, { nil: undefined })).map(([c, k, a, b, n]) => [c, k, a, b, ...(n ? ['COUNT', n] : [])]) },
  { weight: 1, arbitrary: key.map((k) => ['XLEN', k]) },
  { weight: 2, arbitrary: fc.tuple(key, fc.array(anyId, { minLength: 1, maxLength: 3 })).map(([k, ids]) => ['XDEL', k, ...ids]) },
  { weight: 2, arbitrary: fc.tuple(key, trim).map(([k, t]) => ['XTRIM', k, ...t]) },
  { weight: 1, arbitrary: fc.tuple(key, anyId, fc.option(fc.constantFrom('0', '3', '100', '-1'), { nil: undefined }), fc.option(anyId, { nil: undefined })).map(([k, id, ea, md]) => ['XSETID', k, id, ...(ea ? ['ENTRIESADDED', ea] : []), ...(md ? ['MAXDELETEDID', md] : [])]) },
  { weight: 3, arbitrary: fc.tuple(key, group, fc.constantFrom('$', '0', '2-0', '-', 'bad'), fc.boolean(), fc.option(fc.constantFrom('0', '2', '-1', '-2'), { nil: undefined })).map(([k, g, id, mk, er]) => ['XGROUP', 'CREATE', k, g, id, ...(mk ? ['MKSTREAM'] : []), ...(er ? ['ENTRIESREAD', er] : [])]) },
  { weight: 1, arbitrary: fc.tuple(key, group, fc.constantFrom('$', '0', '1-0', '-', '+'), fc.option(fc.constantFrom('0', '2', '-1'), { nil: undefined })).map(([k, g, id, er]) => ['XGROUP', 'SETID', k, g, id, ...(er ? ['ENTRIESREAD', er] : [])]) },
  { weight: 1, arbitrary: fc.tuple(key, group).map(([k, g]) => ['XGROUP', 'DESTROY', k, g]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('CREATECONSUMER', 'DELCONSUMER'), key, group, consumer).map(([s, k, g, c]) => ['XGROUP', s, k, g, c]) },
  { weight: 8, arbitrary: fc.tuple(group, consumer, fc.option(count, { nil: undefined }), fc.boolean(), fc.array(fc.tuple(key, fc.constantFrom('>', '>', '0', '2-0', '$', 'bad')), { minLength: 1, maxLength: 2 })).map(([g, c, n, noack, ks]) => ['XREADGROUP', 'GROUP', g, c, ...(n ? ['COUNT', n] : []), ...(noack ? ['NOACK'] : []), 'STREAMS', ...ks.map((x) => x[0]), ...ks.map((x) => x[1])]) },
  { weight: 2, arbitrary: fc.tuple(fc.option(count, { nil: undefined }), fc.array(fc.tuple(key, fc.constantFrom('0', '$', '2-0', '>', 'bad')), { minLength: 1, maxLength: 2 })).map(([n, ks]) => ['XREAD', ...(n ? ['COUNT', n] : []), 'STREAMS', ...ks.map((x) => x[0]), ...ks.map((x) => x[1])]) },
  { weight: 4, arbitrary: fc.tuple(key, group, fc.array(anyId, { minLength: 1, maxLength: 3 })).map(([k, g, ids]) => ['XACK', k, g, ...ids]) },
  { weight: 2, arbitrary: fc.tuple(key, group).map(([k, g]) => ['XPENDING', k, g]) },
  { weight: 2, arbitrary: fc.tuple(key, group, fc.boolean(), anyId, anyId, count, fc.option(consumer, { nil: undefined })).map(([k, g, idle, a, b, n, c]) => ['XPENDING', k, g, ...(idle ? ['IDLE', '0'] : []), a, b, n, ...(c ? [c] : [])]) },
  { weight: 3, arbitrary: fc.tuple(key, group, consumer, fc.constantFrom('0', '1000000', 'x'), fc.array(anyId, { minLength: 1, maxLength: 2 }), fc.subarray(['FORCE', 'JUSTID', 'RETRYCOUNT', 'IDLE', 'LASTID', 'BOGUS'])).map(([k, g, c, mi, ids, opts]) => ['XCLAIM', k, g, c, mi, ...ids, ...opts.flatMap((o) => (o === 'RETRYCOUNT' ? ['RETRYCOUNT', '7'] : o === 'IDLE' ? ['IDLE', '5000'] : o === 'LASTID' ? ['LASTID', '4-0'] : [o]))]) },
  { weight: 3, arbitrary: fc.tuple(key, group, consumer, fc.constantFrom('0', '1000000', '-5'), anyId, fc.option(fc.constantFrom('1', '2', '0', 'x'), { nil: undefined }), fc.boolean()).map(([k, g, c, mi, start, n, justid]) => ['XAUTOCLAIM', k, g, c, mi, start, ...(n ? ['COUNT', n] : []), ...(justid ? ['JUSTID'] : [])]) },
  { weight: 2, arbitrary: fc.tuple(key, fc.constantFrom<string[]>([], ['FULL'], ['FULL', 'COUNT', '1'], ['FULL', 'COUNT', '0'], ['bad'])).map(([k, o]) => ['XINFO', 'STREAM', k, ...o]) },
  { weight: 2, arbitrary: key.map((k) => ['XINFO', 'GROUPS', k]) },
  { weight: 1, arbitrary: fc.tuple(key, group).map(([k, g]) => ['XINFO', 'CONSUMERS', k, g]) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['SET', 'str', 'x'], ['DEL', 's2'], ['TYPE', 's1'], ['EXISTS', 's1', 's2']) },
);

/**
 * What must differ between two servers: wall-clock times (13-digit unix ms:
 * auto IDs, delivery and seen times), idle times, and radix-tree-nodes
 * (brook has no radix tree; see xinfo.ts).
 */
function normalise(reply: string, argv: string[]): string {
  let r = reply.replace(/\d{13}/g, 'T');
  if (argv[0] === 'XINFO') r = r.replace(/(radix-tree-nodes\r\n):\d+/, '$1:N').replace(/(idle\r\n):\d+/g, '$1:I');
  if (argv[0] === 'XPENDING' && argv.length > 3) {
    r = r.replace(/(\*4\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n[^\r]*\r\n):\d+/g, '$1:I');
  }
  return r;
}

test('random stream and consumer-group command sequences match redis-server reply for reply', async () => {
  const total = await assertRandomSequencesMatch(current(), cmd, { normalise, runs: RUNS, len: LEN, seed: SEED });
  if (process.env.DIFF_VERBOSE) console.log(`${total} commands compared`);
});

test('the normalisation cannot hide a real difference', async () => {
  await current().reset();
  const cmds = [['XADD', 's1', '1-1', 'f', 'v'], ['XLEN', 's1']];
  assert.equal(await compareSequence(current(), cmds, normalise), null);
  // Make the engine differ on purpose: the comparison must notice.
  await current().session.call(['XADD', 's1', '2-1', 'f', 'v']);
  const m = await compareSequence(current(), [['XLEN', 's1']], normalise);
  assert.notEqual(m, null);
});

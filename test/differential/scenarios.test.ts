/**
 * Fixed differential scenarios that random sequences reach rarely: node
 * boundaries and `~` trimming over hundreds of entries, long PEL histories,
 * option edge cases. Each runs on the engine and on redis-server and every
 * reply must match.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareSequence, useDiffPair, showMismatch, sortBulkArray } from '../support/differential.ts';

const current = useDiffPair();

const times = (r: string) => r.replace(/\d{13}/g, 'T');

async function same(cmds: string[][], normalise: (r: string, argv: string[]) => string = times): Promise<void> {
  await current().reset();
  const m = await compareSequence(current(), cmds, normalise);
  assert.equal(m, null, m ? showMismatch(m, cmds) : '');
}

test('~ trimming removes whole nodes exactly where Redis does (entry count and byte limits)', async () => {
  const cmds: string[][] = [];
  for (let i = 0; i < 250; i++) {
    cmds.push(['XADD', 'big', `${i + 10}-0`, 'field', 'v'.repeat(i % 50), ...(i % 7 === 0 ? ['extra', '1'] : [])]);
  }
  cmds.push(['XTRIM', 'big', 'MAXLEN', '~', '120'], ['XLEN', 'big'], ['XTRIM', 'big', 'MINID', '~', '200'], ['XLEN', 'big']);
  cmds.push(['XTRIM', 'big', 'MINID', '200'], ['XLEN', 'big'], ['XRANGE', 'big', '-', '+', 'COUNT', '3'], ['XINFO', 'STREAM', 'big']);
  for (let i = 0; i < 300; i++) cmds.push(['XADD', 'big2', `${i + 10}-0`, `f${i % 3}`, 'x'.repeat(i % 90)]);
  cmds.push(['XTRIM', 'big2', 'MAXLEN', '~', '10'], ['XLEN', 'big2'], ['XADD', 'big2', 'MAXLEN', '~', '5', 'LIMIT', '50', '*', 'a', 'b']);
  cmds.push(['XLEN', 'big2'], ['XTRIM', 'big2', 'MAXLEN', '~', '0', 'LIMIT', '1'], ['XTRIM', 'big2', 'MAXLEN', '~', '0', 'LIMIT', '0']);
  // Integers are stored as integers in listpacks: a different byte budget.
  for (let i = 0; i < 400; i++) cmds.push(['XADD', 'ints', `${i + 1}-${i}`, String(i * 1000), String(-i * 77777)]);
  cmds.push(['XTRIM', 'ints', 'MAXLEN', '~', '50'], ['XLEN', 'ints'], ['XINFO', 'STREAM', 'ints']);
  // Deleted entries still count towards a node's size until it goes.
  for (let i = 0; i < 150; i++) cmds.push(['XADD', 'del', `${i + 1}-0`, 'f', 'v']);
  for (let i = 0; i < 100; i += 3) cmds.push(['XDEL', 'del', `${i + 1}-0`]);
  for (let i = 150; i < 260; i++) cmds.push(['XADD', 'del', `${i + 1}-0`, 'f', 'v']);
  cmds.push(['XTRIM', 'del', 'MAXLEN', '~', '100'], ['XLEN', 'del'], ['XINFO', 'STREAM', 'del']);
  await same(cmds, (r, a) => times(r).replace(/(radix-tree-nodes\r\n):\d+/, '$1:N'));
});

test('stream ID edge cases: 0-0, ms-*, exhausted ID space, strtoull forms', async () => {
  await same([
    ['XADD', 's', '0-0', 'a', '1'], ['XADD', 's', '0-*', 'a', '1'], ['XADD', 's', '0-*', 'a', '1'], ['XADD', 's', '5-*', 'a', '1'],
    ['XADD', 's', '5', 'a', '1'], ['XADD', 's', '5-18446744073709551615', 'a', '1'], ['XADD', 's', '5-*', 'a', '1'],
    ['XADD', 's', '18446744073709551615-18446744073709551614', 'a', '1'], ['XADD', 's', '18446744073709551615-*', 'a', '1'],
    ['XADD', 's', '*', 'a', '1'], ['XADD', 's', '18446744073709551615-*', 'a', '1'], ['XRANGE', 's', '-', '+'],
    ['XRANGE', 's', '(18446744073709551615-18446744073709551615', '+'], ['XRANGE', 's', '-', '(0-0'],
    ['XADD', 't', ' 5', 'a', 'b'], ['XADD', 't', '+6-1', 'a', 'b'], ['XADD', 't', '-01', 'a', 'b'], ['XADD', 't', '7-*', 'a', 'b'],
    ['XADD', 't', '8-01', 'a', 'b'], ['XADD', 't', '9-1-1', 'a', 'b'], ['XADD', 't', '10-', 'a', 'b'], ['XADD', 't', '-', 'a', 'b'],
    ['XRANGE', 't', '-', '+'], ['XDEL', 't', '8-1'], ['XADD', 't', '8-1', 'a', 'b'], ['XINFO', 'STREAM', 't'],
    ['XSETID', 't', '1-0'], ['XDEL', 't', '7-0', '6-1', '5-0'], ['XSETID', 't', '1-0'], ['XINFO', 'STREAM', 't'],
  ], (r, a) => times(r).replace(/(radix-tree-nodes\r\n):\d+/, '$1:N'));
});

test('lag is null across tombstones and recovers when they are trimmed away', async () => {
  const cmds: string[][] = [];
  for (let i = 1; i <= 6; i++) cmds.push(['XADD', 's', `${i}-0`, 'f', String(i)]);
  cmds.push(
    ['XGROUP', 'CREATE', 's', 'g', '0'], ['XINFO', 'GROUPS', 's'], ['XDEL', 's', '3-0'], ['XINFO', 'GROUPS', 's'],
    ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '2', 'STREAMS', 's', '>'], ['XINFO', 'GROUPS', 's'],
    ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '2', 'STREAMS', 's', '>'], ['XINFO', 'GROUPS', 's'],
    ['XTRIM', 's', 'MINID', '5-0'], ['XINFO', 'GROUPS', 's'], ['XGROUP', 'SETID', 's', 'g', '0'], ['XINFO', 'GROUPS', 's'],
    ['XGROUP', 'SETID', 's', 'g', '$'], ['XINFO', 'GROUPS', 's'], ['XGROUP', 'CREATE', 's', 'g2', '1-0', 'ENTRIESREAD', '1'],
    ['XINFO', 'GROUPS', 's'], ['XSETID', 's', '9-0', 'ENTRIESADDED', '20', 'MAXDELETEDID', '8-0'], ['XINFO', 'GROUPS', 's'],
    ['XINFO', 'STREAM', 's', 'FULL'],
  );
  await same(cmds, (r, a) => times(r).replace(/(radix-tree-nodes\r\n):\d+/, '$1:N'));
});

test('PEL: delivery counts, re-reads, claims, deleted entries and NOACK', async () => {
  const cmds: string[][] = [];
  for (let i = 1; i <= 5; i++) cmds.push(['XADD', 's', `${i}-0`, 'f', String(i)]);
  cmds.push(
    ['XGROUP', 'CREATE', 's', 'g', '0'], ['XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '0'], ['XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '2', 'STREAMS', 's', '2-0'],
    ['XDEL', 's', '2-0'], ['XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '0'], ['XREADGROUP', 'GROUP', 'g', 'b', 'STREAMS', 's', '0'],
    ['XCLAIM', 's', 'g', 'b', '0', '1-0', '2-0', '3-0'], ['XCLAIM', 's', 'g', 'b', '0', '3-0', 'JUSTID'], ['XCLAIM', 's', 'g', 'b', '0', '4-0', 'RETRYCOUNT', '9', 'IDLE', '99999'],
    ['XCLAIM', 's', 'g', 'b', '0', '5-0', 'LASTID', '9-0'], ['XINFO', 'GROUPS', 's'], ['XCLAIM', 's', 'g', 'b', '0', '1-0', 'LASTID', '10-0', 'BAD'],
    ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '2'], ['XAUTOCLAIM', 's', 'g', 'c', '0', '(3-0'], ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '-1'],
    ['XADD', 's', '11-0', 'f', 'v'], ['XGROUP', 'SETID', 's', 'g', '0'], ['XREADGROUP', 'GROUP', 'g', 'd', 'STREAMS', 's', '>'],
    ['XPENDING', 's', 'g'], ['XGROUP', 'CREATE', 's', 'n', '0'], ['XREADGROUP', 'GROUP', 'n', 'z', 'NOACK', 'STREAMS', 's', '>'],
    ['XPENDING', 's', 'n'], ['XINFO', 'CONSUMERS', 's', 'n'], ['XGROUP', 'DELCONSUMER', 's', 'g', 'd'], ['XPENDING', 's', 'g'],
    ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '2'],
  );
  await same(cmds, (r, a) =>
    times(r)
      .replace(/(radix-tree-nodes\r\n):\d+/, '$1:N')
      .replace(/(idle\r\n):\d+/g, '$1:I'),
  );
});

test('keyspace, strings, expiry options and transactions', async () => {
  await same(
    [
      ['SET', 'a', '1'], ['SET', 'a', 'x', 'EX', '0'], ['SET', 'a', 'x', 'EX', '10', 'PX', '5'], ['SET', 'a', 'x', 'KEEPTTL', 'EX', '5'],
      ['SET', 'n', '9223372036854775806'], ['INCR', 'n'], ['INCR', 'n'], ['DECRBY', 'n', '-9223372036854775808'], ['SET', 'z', '01'], ['INCR', 'z'],
      ['EXPIRE', 'n', '100'], ['EXPIRE', 'n', '50', 'GT'], ['EXPIRE', 'n', '500', 'GT'], ['EXPIRE', 'n', '1', 'NX', 'XX'], ['EXPIRE', 'n', '9223372036854775807'],
      ['PEXPIRE', 'n', '9223372036854775807'], ['PERSIST', 'n'], ['EXPIRE', 'n', '-1'], ['EXISTS', 'n'], ['RENAME', 'nokey', 'x'],
      ['SET', 'r', '1'], ['RENAME', 'r', 'r'], ['RENAMENX', 'r', 'r'], ['SELECT', '16'], ['FLUSHDB', 'x'], ['KEYS', '*'],
      ['MULTI'], ['SET', 't', '1'], ['INCR', 't'], ['GETX'], ['EXEC'], ['MULTI'], ['MULTI'], ['SET', 't', '1'], ['HSET', 't', 'a', 'b'], ['EXEC'],
      ['EXEC'], ['DISCARD'], ['WATCH', 'w'], ['MULTI'], ['WATCH', 'x'], ['SET', 'w', '1'], ['EXEC'], ['GET', 'w'],
      ['WATCH', 'w'], ['GET', 'w'], ['MULTI'], ['PING'], ['EXEC'], ['SCAN', 'x'], ['SCAN', '0', 'COUNT', '0'], ['SCAN', '0', 'FOO'],
      ['SET', 'q', '1', 'PXAT', '99999999999999'], ['PEXPIRETIME', 'q'], ['SET', 'q2', '1', 'EXAT', '99999999999'], ['EXPIRETIME', 'q2'],
    ],
    (r, argv) => (argv[0] === 'KEYS' ? sortBulkArray(r) : r),
  );
});

/**
 * The request parser on its own: arguments come back byte for byte, whatever
 * their length, including the short ones it shares through its cache (more
 * distinct ones than the cache holds, high bytes, prefixes of each other,
 * split across reads).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RequestParser, shortHash } from './parse.ts';

const limits = { maxBulkLen: 512 * 1024 * 1024, authRequired: () => false };

function encode(args: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

function parseAll(data: Buffer, cut: number): string[][] {
  const p = new RequestParser(limits);
  const out: string[][] = [];
  for (const chunk of [data.subarray(0, cut), data.subarray(cut)]) {
    p.push(chunk);
    for (let c = p.next(); c !== null; c = p.next()) {
      assert.ok(Array.isArray(c), `no protocol error expected, got ${JSON.stringify(c)}`);
      out.push(c);
    }
  }
  return out;
}

test('every argument round-trips byte for byte, short ones through the cache included', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.uint8Array({ maxLength: 20 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 40 }), fc.nat(), (cmds, cutAt) => {
      const bufs = cmds.map((c) => c.map((a) => Buffer.from(a)));
      const data = Buffer.concat(bufs.map(encode));
      const got = parseAll(data, cutAt % (data.length + 1));
      assert.deepEqual(got, bufs.map((c) => c.map((a) => a.toString('latin1'))));
    }),
    { numRuns: 300 },
  );
});

test('more distinct short arguments than the cache holds, then repeats of the first ones', () => {
  const args = Array.from({ length: 6000 }, (_, i) => Buffer.from(`k${i}`));
  const again = args.slice(0, 100).concat([Buffer.from('k1'), Buffer.from('k10'), Buffer.from('k100')]);
  const got = parseAll(Buffer.concat([encode(args), encode(again)]), 7);
  assert.deepEqual(got, [args.map(String), again.map(String)]);
});

test('two short arguments with the same cache hash stay distinct', () => {
  // Find a collision of the 32-bit hash among 6-byte strings (birthday search; deterministic seed).
  const seen = new Map<number, Buffer>();
  let x = 12345;
  let pair: [Buffer, Buffer] | undefined;
  while (pair === undefined) {
    const b = Buffer.alloc(6);
    for (let i = 0; i < 6; i++) b[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    const h = shortHash(b, 0, 6);
    const other = seen.get(h);
    if (other !== undefined && !other.equals(b)) pair = [other, b];
    else seen.set(h, b);
  }
  const [a, b] = pair;
  const got = parseAll(Buffer.concat([encode([a]), encode([b]), encode([a]), encode([b])]), 0);
  assert.deepEqual(got, [[a.toString('latin1')], [b.toString('latin1')], [a.toString('latin1')], [b.toString('latin1')]]);
});

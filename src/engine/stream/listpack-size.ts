/**
 * Byte sizes of Redis listpack elements (listpack.c, 7.0), so that stream
 * nodes close at exactly the entry where Redis's would: Redis starts a new
 * node when `lpBytes(tail) + newEntryBytes >= stream-node-max-bytes`. We do
 * not store listpacks; we only keep the running size a listpack would have.
 *
 * An element is an encoding header + payload + a "backlen" (1..5 bytes) that
 * encodes header+payload length. Strings that are strict int64 decimals are
 * stored as integers.
 */

/** Header (total bytes u32 + count u16) plus the end byte. */
export const LP_EMPTY_BYTES = 7;

function backlen(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Size of an integer element (value as a bigint or a safe number). */
export function lpIntSize(v: number | bigint): number {
  if (typeof v === 'number') return lpNumberSize(v);
  if (v >= -2147483648n && v <= 2147483647n) return lpNumberSize(Number(v));
  return 10;
}

/** lpIntSize for a number (exact below 2^53, which covers every threshold). */
export function lpNumberSize(n: number): number {
  if (n >= 0 && n <= 127) return 2;
  if (n >= -4096 && n <= 4095) return 3;
  if (n >= -32768 && n <= 32767) return 4;
  if (n >= -8388608 && n <= 8388607) return 5;
  if (n >= -2147483648 && n <= 2147483647) return 6;
  return 10;
}

/** Fast path for small non-negative numbers (counts, flags). */
export function lpSmallIntSize(v: number): number {
  if (v >= 0 && v <= 127) return 2;
  return lpNumberSize(v);
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Size of the int64 element `a - b` (wrapped to 64 bits, as Redis stores an
 * entry's ID relative to the node's master ID).
 */
export function lpDeltaSize(a: bigint, b: bigint): number {
  if (a === b) return 2;
  if (a <= SAFE && b <= SAFE) return lpNumberSize(Number(a) - Number(b));
  return lpIntSize(BigInt.asIntN(64, a - b));
}

const INT_LIKE = /^(0|-?[1-9][0-9]{0,19})$/;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

/** Size of a string element (stored as an integer when it is a strict int64). */
export function lpStringSize(s: string): number {
  const len = s.length;
  // Only strings starting with a digit or '-' can be integers; skip the regex otherwise.
  const c = len > 0 ? s.charCodeAt(0) : 0;
  if (len <= 20 && ((c >= 48 && c <= 57) || c === 45) && INT_LIKE.test(s)) {
    const v = BigInt(s);
    if (v >= INT64_MIN && v <= INT64_MAX) return lpIntSize(v);
  }
  let enc: number;
  if (len < 64) enc = 1 + len;
  else if (len < 4096) enc = 2 + len;
  else enc = 5 + len;
  return enc + backlen(enc);
}

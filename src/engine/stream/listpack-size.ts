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
  const n = typeof v === 'bigint' ? v : BigInt(v);
  if (n >= 0n && n <= 127n) return 2;
  if (n >= -4096n && n <= 4095n) return 3;
  if (n >= -32768n && n <= 32767n) return 4;
  if (n >= -8388608n && n <= 8388607n) return 5;
  if (n >= -2147483648n && n <= 2147483647n) return 6;
  return 10;
}

/** Fast path for small non-negative numbers (counts, flags). */
export function lpSmallIntSize(v: number): number {
  if (v >= 0 && v <= 127) return 2;
  return lpIntSize(v);
}

const INT_LIKE = /^(0|-?[1-9][0-9]{0,19})$/;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

/** Size of a string element (stored as an integer when it is a strict int64). */
export function lpStringSize(s: string): number {
  const len = s.length;
  if (len <= 20 && len > 0 && INT_LIKE.test(s)) {
    const v = BigInt(s);
    if (v >= INT64_MIN && v <= INT64_MAX) return lpIntSize(v);
  }
  let enc: number;
  if (len < 64) enc = 1 + len;
  else if (len < 4096) enc = 2 + len;
  else enc = 5 + len;
  return enc + backlen(enc);
}

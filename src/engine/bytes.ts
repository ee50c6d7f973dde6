/**
 * Binary strings: the engine keeps every key, field and value as a JS string
 * with one char per byte (codes 0-255, i.e. latin1). Byte lengths are then
 * `s.length`, comparisons are byte-wise, and conversion to a Buffer is a copy.
 */

const NON_ASCII = /[^\x00-\x7f]/;

/** A user's text (UTF-8) or Buffer as a binary string. */
export function toBinary(value: string | Buffer | Uint8Array | number | bigint): string {
  if (typeof value === 'string') {
    return NON_ASCII.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
}

/** A binary string decoded as UTF-8 text. */
export function binaryToUtf8(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

export function binaryToBuffer(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

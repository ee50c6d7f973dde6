/**
 * Number parsing with Redis's strictness (util.c string2ll and friends):
 * no spaces, no '+', no leading zeros except "0" itself, no "-0", and
 * 64-bit signed range. Replies use the errors in errors.ts.
 */

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const ULLONG_MAX = 18446744073709551615n;

/** Redis string2ll: the exact value as a bigint, or null when not a strict int64. */
export function string2ll(s: string): bigint | null {
  const n = s.length;
  if (n === 0 || n >= 21) return null;
  if (n === 1 && s === '0') return 0n;
  let i = 0;
  if (s.charCodeAt(0) === 45 /* - */) {
    i = 1;
    if (n === 1) return null;
  }
  const c = s.charCodeAt(i);
  if (c < 49 || c > 57) return null;
  for (let j = i + 1; j < n; j++) {
    const d = s.charCodeAt(j);
    if (d < 48 || d > 57) return null;
  }
  const v = BigInt(s);
  if (v > LLONG_MAX || v < LLONG_MIN) return null;
  return v;
}

/**
 * string2ll for counts, limits and indexes: a JS number (exact up to 2^53,
 * rounded beyond, which never matters for a count), or null when invalid.
 */
export function string2llNum(s: string): number | null {
  const n = s.length;
  if (n > 0 && n <= 15) {
    // Fast path: fits a double exactly.
    if (n === 1) {
      const c = s.charCodeAt(0);
      return c >= 48 && c <= 57 ? c - 48 : null;
    }
    let i = 0;
    let neg = false;
    if (s.charCodeAt(0) === 45) {
      neg = true;
      i = 1;
    }
    const first = s.charCodeAt(i);
    if (first < 49 || first > 57) return null;
    let v = first - 48;
    for (let j = i + 1; j < n; j++) {
      const d = s.charCodeAt(j) - 48;
      if (d < 0 || d > 9) return null;
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }
  const b = string2ll(s);
  return b === null ? null : Number(b);
}

/**
 * Redis string2ull: string2ll when that parses (negative rejected), else C's
 * strtoull(s, &end, 10) requiring the whole string to be consumed: leading
 * white space, an optional sign (a '-' wraps modulo 2^64, as C does) and
 * leading zeros are accepted there; out of range is rejected.
 */
export function string2ull(s: string): bigint | null {
  const ll = string2ll(s);
  if (ll !== null) return ll < 0n ? null : ll;
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return null;
  const v = BigInt(m[2]);
  if (v > ULLONG_MAX) return null;
  return m[1] === '-' && v !== 0n ? (1n << 64n) - v : v;
}

export const INT64_MAX = LLONG_MAX;
export const INT64_MIN = LLONG_MIN;
export const UINT64_MAX = ULLONG_MAX;

/**
 * Redis string2ld/strtold-style float parsing for scores and INCRBYFLOAT:
 * returns null for empty strings, trailing garbage, leading spaces, or NaN.
 * "inf", "+inf", "-inf" are accepted (case-insensitive), as strtod does.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) && !/^[+-]?0x[0-9a-f]+(\.[0-9a-f]*)?(p[+-]?\d+)?$/i.test(s)) {
    return null;
  }
  const v = s.startsWith('0x') || s.startsWith('-0x') || s.startsWith('+0x') ? parseHexFloat(s) : Number(s);
  return Number.isNaN(v) ? null : v;
}

function parseHexFloat(s: string): number {
  const m = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i.exec(s);
  if (!m) return NaN;
  let v = parseInt(m[2] || '0', 16);
  if (m[3]) for (let i = 0; i < m[3].length; i++) v += parseInt(m[3][i], 16) / 16 ** (i + 1);
  if (m[4]) v *= 2 ** Number(m[4]);
  return m[1] === '-' ? -v : v;
}

/**
 * Format a double as C's printf("%.17g") does, which is what Redis 7.0's
 * addReplyDouble and ZSCORE send ("1.1000000000000001", "inf", "-inf").
 */
export function formatDouble17g(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  return formatG(d, 17);
}

/** printf("%.<p>g") for finite, non-zero d. */
export function formatG(d: number, precision: number): string {
  const [digits, x] = roundDigits(Math.abs(d), precision);
  const sign = d < 0 ? '-' : '';
  if (x < -4 || x >= precision) {
    const mant = stripZeros(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits);
    const ax = Math.abs(x);
    return `${sign}${mant}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  }
  const s = x >= 0 ? `${digits.slice(0, x + 1)}.${digits.slice(x + 1)}` : `0.${'0'.repeat(-x - 1)}${digits}`;
  return sign + stripZeros(s);
}

/**
 * The `p` significant decimal digits of a > 0 and its decimal exponent,
 * rounded as glibc's printf rounds: to nearest, exact ties to even. (JS's
 * toExponential rounds exact ties up; a tie needs an expansion that ends at
 * digit p + 1, so toExponential(100) shows it exactly.)
 */
function roundDigits(a: number, p: number): [string, number] {
  const [m, e] = a.toExponential(p - 1).split('e');
  const [em, ee] = a.toExponential(100).split('e');
  const exact = em.replace('.', '');
  if (exact[p] === '5' && /^0*$/.test(exact.slice(p + 1)) && Number(exact[p - 1]) % 2 === 0) return [exact.slice(0, p), Number(ee)];
  return [m.replace('.', ''), Number(e)];
}

function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/**
 * The request parser: RESP multibulk (`*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n`) and
 * inline commands (`ECHO hi\r\n`), with Redis 7.0's limits and protocol
 * error texts (networking.c processMultibulkBuffer / processInlineBuffer).
 *
 * Feed bytes with push(); take complete commands with next(). A protocol
 * error is sticky: the connection must send it and close. Arguments are
 * binary strings (latin1). Lengths are checked before any allocation, so
 * a client cannot make the server reserve memory it never sends.
 */

/** Longest inline request or length line before a complete line arrives. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;

export interface ParserLimits {
  /** proto-max-bulk-len: the largest bulk argument. @defaultValue 512 MiB */
  maxBulkLen: number;
  /** Whether the client still has to AUTH (tight limits until then, as Redis). */
  authRequired: () => boolean;
}

const EMPTY = Buffer.alloc(0);

export type ParseResult = string[] | { error: string } | null;

export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Multibulk state: arguments still expected, and the ones read. */
  private remaining = 0;
  private args: string[] = [];
  private bulkLen = -1;
  private failed: string | null = null;

  constructor(private readonly limits: ParserLimits) {}

  /**
   * Add received bytes. The parser may keep `data` itself: a caller that
   * reuses its buffer calls own() before refilling it.
   */
  push(data: Buffer): void {
    if (this.pos >= this.buf.length) {
      this.buf = data;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), data]);
    }
    this.pos = 0;
  }

  /** Copy the bytes not yet parsed out of the buffer last pushed (its owner is about to reuse it). */
  own(): void {
    if (this.pos >= this.buf.length) this.buf = EMPTY;
    else this.buf = Buffer.from(this.buf.subarray(this.pos));
    this.pos = 0;
  }

  /** Bytes received and not yet parsed (the client query buffer). */
  get pending(): number {
    return this.buf.length - this.pos;
  }

  /**
   * The next complete command, null when more bytes are needed, or the
   * protocol error to send before closing the connection.
   */
  next(): ParseResult {
    if (this.failed !== null) return { error: this.failed };
    for (;;) {
      if (this.remaining === 0) {
        if (this.pos >= this.buf.length) return null;
        if (this.buf[this.pos] === 42 /* * */) {
          const r = this.readMultibulkCount();
          if (r !== 'ok') return r;
          if (this.remaining === 0) continue; // *0 or *-1: nothing to run
        } else {
          const r = this.readInline();
          if (r === null || 'error' in r) return r;
          if (r.length === 0) continue;
          return r;
        }
      }
      const r = this.readBulks();
      if (r !== 'ok') return r;
      const cmd = this.args;
      this.args = [];
      return cmd;
    }
  }

  private fail(msg: string): { error: string } {
    this.failed = msg;
    return { error: msg };
  }

  private readMultibulkCount(): 'ok' | null | { error: string } {
    const cr = findCR(this.buf, this.pos);
    if (cr < 0) {
      if (this.pending > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big mbulk count string');
      return null;
    }
    if (cr + 1 >= this.buf.length) return null;
    const n = parseLL(this.buf, this.pos + 1, cr);
    if (n === null || n > 2147483647) return this.fail('Protocol error: invalid multibulk length');
    if (n > 10 && this.limits.authRequired()) return this.fail('Protocol error: unauthenticated multibulk length');
    this.pos = cr + 2;
    if (n > 0) {
      this.remaining = n;
      this.args = [];
    }
    return 'ok';
  }

  private readBulks(): 'ok' | null | { error: string } {
    while (this.remaining > 0) {
      if (this.bulkLen === -1) {
        const cr = findCR(this.buf, this.pos);
        if (cr < 0) {
          if (this.pending > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big bulk count string');
          return null;
        }
        if (cr + 1 >= this.buf.length) return null;
        if (this.buf[this.pos] !== 36 /* $ */) {
          return this.fail(`Protocol error: expected '$', got '${String.fromCharCode(this.buf[this.pos])}'`);
        }
        const n = parseLL(this.buf, this.pos + 1, cr);
        if (n === null || n < 0 || (n > MIN_PROTO_MAX_BULK_LEN && n > this.limits.maxBulkLen)) {
          return this.fail('Protocol error: invalid bulk length');
        }
        if (n > 16384 && this.limits.authRequired()) return this.fail('Protocol error: unauthenticated bulk length');
        this.pos = cr + 2;
        this.bulkLen = n;
      }
      if (this.buf.length - this.pos < this.bulkLen + 2) return null;
      this.args.push(binaryString(this.buf, this.pos, this.pos + this.bulkLen));
      this.pos += this.bulkLen + 2;
      this.bulkLen = -1;
      this.remaining--;
    }
    return 'ok';
  }

  private readInline(): string[] | null | { error: string } {
    const nl = this.buf.indexOf(10, this.pos);
    if (nl < 0) {
      if (this.pending > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big inline request');
      return null;
    }
    let end = nl;
    if (end > this.pos && this.buf[end - 1] === 13) end--;
    const line = this.buf.toString('latin1', this.pos, end);
    this.pos = nl + 1;
    const args = splitArgs(line);
    if (args === null) return this.fail('Protocol error: unbalanced quotes in request');
    return args;
  }
}

/** The least proto-max-bulk-len CONFIG SET accepts (1 MiB): a shorter bulk needs no look-up of the setting. */
const MIN_PROTO_MAX_BULK_LEN = 1024 * 1024;

/**
 * The first CR at or after `from`, or -1. A length line is a few bytes, and
 * a native indexOf costs more than scanning them here; longer runs use it.
 */
function findCR(buf: Buffer, from: number): number {
  const end = Math.min(buf.length, from + 24);
  for (let i = from; i < end; i++) if (buf[i] === 13) return i;
  return end === buf.length ? -1 : buf.indexOf(13, end);
}

/**
 * Bytes [from, to) as a binary string. Short ones (command names, small
 * values) are built here: cheaper than the native call, and below V8's
 * cons-string length each step yields a flat string.
 */
/**
 * Short arguments repeat (command names, option words, small values): each
 * distinct byte sequence of up to SHORT_MAX bytes maps to one string, so a
 * repeat allocates nothing and its hash is already computed for the look-ups
 * that follow. The cache holds at most SHORT_CACHE_SIZE strings (then
 * it stops growing); a hash collision is caught by comparing the bytes.
 */
const SHORT_MAX = 12;
const SHORT_CACHE_SIZE = 4096;
const shortStrings = new Map<number, string>();

/** FNV-1a over the bytes, seeded with the length: the cache's key. */
export function shortHash(buf: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5 ^ (to - from);
  for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i], 16777619);
  return h;
}

function binaryString(buf: Buffer, from: number, to: number): string {
  const n = to - from;
  if (n > SHORT_MAX) return buf.toString('latin1', from, to);
  const h = shortHash(buf, from, to);
  const cached = shortStrings.get(h);
  if (cached !== undefined && cached.length === n) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (cached.charCodeAt(i) !== buf[from + i]) {
        same = false;
        break;
      }
    }
    if (same) return cached;
  }
  const s = buf.toString('latin1', from, to);
  if (cached === undefined && shortStrings.size < SHORT_CACHE_SIZE) shortStrings.set(h, s);
  return s;
}

/** string2ll over a byte range; null when not a strict int64. */
function parseLL(buf: Buffer, from: number, to: number): number | null {
  const n = to - from;
  if (n <= 0 || n >= 21) return null;
  let i = from;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i === to) return null;
  }
  if (n === 1 && buf[from] === 48) return 0;
  if (buf[i] < 49 || buf[i] > 57) return null;
  let v = 0;
  for (; i < to; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (v > 9223372036854775807) return null;
  return neg ? -v : v;
}

const HEX = /^[0-9a-fA-F]$/;
/** C's isspace in the C locale. */
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

/**
 * sdssplitargs: split an inline request into arguments, honouring "double"
 * quotes (with \n \r \t \b \a \\ \" \xHH escapes) and 'single' quotes (with
 * \'); a closing quote must be followed by a space or the end. Null when the
 * quotes are unbalanced.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    for (;;) {
      if (inq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === 'x' && HEX.test(line[i + 2] ?? '') && HEX.test(line[i + 3] ?? '')) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          i++;
          break;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          i++;
          break;
        } else {
          cur += c;
        }
      } else {
        if (i >= n) break;
        const c = line[i];
        if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\0') break;
        if (c === '"') inq = true;
        else if (c === "'") insq = true;
        else cur += c;
      }
      i++;
    }
    out.push(cur);
  }
}

/**
 * Stream IDs: <ms>-<seq>, each an unsigned 64-bit integer, ordered by ms
 * then seq. Held as bigints so the full range (up to
 * 18446744073709551615-18446744073709551615) is exact.
 */
import { string2ull } from '../numbers.ts';

export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

export const UINT64_MAX = 18446744073709551615n;
export const MIN_ID: StreamId = Object.freeze({ ms: 0n, seq: 0n });
export const MAX_ID: StreamId = Object.freeze({ ms: UINT64_MAX, seq: UINT64_MAX });

export function id(ms: bigint, seq: bigint): StreamId {
  return { ms, seq };
}

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function idEquals(a: StreamId, b: StreamId): boolean {
  return a.ms === b.ms && a.seq === b.seq;
}

const SAFE_SEQ = BigInt(Number.MAX_SAFE_INTEGER);
let lastMs = -1n;
let lastMsText = '';

/** "<ms>-<seq>". Consecutive IDs mostly share ms, so "<ms>-" is cached. */
export function formatId(i: StreamId): string {
  if (i.ms !== lastMs) {
    lastMs = i.ms;
    lastMsText = i.ms.toString() + '-';
    // Flatten once, so each ID below is one concatenation of a flat string.
    void lastMsText.charCodeAt(0);
  }
  const seq = i.seq;
  if (seq === 0n) return lastMsText + '0';
  // A safe seq converts to text faster as a number than as a bigint.
  return lastMsText + (seq <= SAFE_SEQ ? Number(seq) : seq.toString());
}

let lastMsNum = -1;
let lastMsNumText = '';

/** formatId for an ID given as two numbers below 2^53 (same text, no bigint). */
export function formatIdNumeric(ms: number, seq: number): string {
  if (ms !== lastMsNum) {
    lastMsNum = ms;
    lastMsNumText = ms + '-';
    void lastMsNumText.charCodeAt(0);
  }
  return lastMsNumText + seq;
}

/** The next ID (streamIncrID); null when `i` is the maximum ID. */
export function nextId(i: StreamId): StreamId | null {
  if (i.seq === UINT64_MAX) {
    if (i.ms === UINT64_MAX) return null;
    return { ms: i.ms + 1n, seq: 0n };
  }
  return { ms: i.ms, seq: i.seq + 1n };
}

/** The previous ID (streamDecrID); null when `i` is 0-0. */
export function prevId(i: StreamId): StreamId | null {
  if (i.seq === 0n) {
    if (i.ms === 0n) return null;
    return { ms: i.ms - 1n, seq: UINT64_MAX };
  }
  return { ms: i.ms, seq: i.seq - 1n };
}

/** The result of parsing an ID argument. */
export interface ParsedId extends StreamId {
  /** False for the `<ms>-*` form (XADD only). */
  readonly seqGiven: boolean;
}

/**
 * Parse an ID argument as streamGenericParseIDOrReply does: "<ms>-<seq>",
 * "<ms>" (seq = missingSeq), "-" and "+" (unless `strict`), and "<ms>-*"
 * when `allowSeqStar` (XADD). Null means "ERR Invalid stream ID specified as
 * stream command argument".
 */
export function parseId(s: string, missingSeq: bigint, strict = false, allowSeqStar = false): ParsedId | null {
  if (s.length > 127) return null;
  // Redis works on a C string: anything after a NUL byte is ignored.
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (s === '-' || s === '+') {
    if (strict) return null;
    return s === '-' ? { ms: 0n, seq: 0n, seqGiven: true } : { ms: UINT64_MAX, seq: UINT64_MAX, seqGiven: true };
  }
  const dash = s.indexOf('-');
  if (dash < 0) {
    const ms = string2ull(s);
    return ms === null ? null : { ms, seq: missingSeq, seqGiven: true };
  }
  const ms = string2ull(s.slice(0, dash));
  if (ms === null) return null;
  const rest = s.slice(dash + 1);
  if (allowSeqStar && rest === '*') return { ms, seq: 0n, seqGiven: false };
  const seq = string2ull(rest);
  if (seq === null) return null;
  return { ms, seq, seqGiven: true };
}

/**
 * Parse a range bound (streamParseIntervalIDOrReply): "(" makes it
 * exclusive (and strict). Returns null for an invalid ID.
 */
export function parseIntervalId(s: string, missingSeq: bigint): { id: StreamId; exclusive: boolean } | null {
  const exclusive = s.length > 1 && s[0] === '(';
  const id = exclusive ? parseId(s.slice(1), missingSeq, true) : parseId(s, missingSeq);
  return id === null ? null : { id: { ms: id.ms, seq: id.seq }, exclusive };
}

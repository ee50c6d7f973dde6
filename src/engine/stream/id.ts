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

export function formatId(i: StreamId): string {
  return `${i.ms}-${i.seq}`;
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

/**
 * Parse "<ms>-<seq>" or "<ms>" (streamGenericParseIDOrReply). `missingSeq`
 * is the seq used when only ms is given (0 for a start bound, UINT64_MAX for
 * an end bound). Accepts "-" and "+" when `allowMinMax`. Returns null for a
 * malformed ID; the caller replies with INVALID_STREAM_ID.
 */
export function parseId(s: string, missingSeq: bigint, allowMinMax = true): StreamId | null {
  if (s.length > 127) return null;
  if (allowMinMax && s.length === 1) {
    if (s === '-') return MIN_ID;
    if (s === '+') return MAX_ID;
  }
  const dash = s.indexOf('-');
  if (dash < 0) {
    const ms = string2ull(s);
    return ms === null ? null : { ms, seq: missingSeq };
  }
  const ms = string2ull(s.slice(0, dash));
  const seq = string2ull(s.slice(dash + 1));
  if (ms === null || seq === null) return null;
  return { ms, seq };
}

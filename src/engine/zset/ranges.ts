/** Score and lex ranges (zslParseRange, zslParseLexRange) and the shared ZRANGE walk. */
import { err } from '../errors.ts';
import { parseDouble } from '../numbers.ts';
import { ErrorReply } from '../reply.ts';
import type { SortedSet } from './sorted-set.ts';

export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

export const NOT_FLOAT_RANGE = err('ERR min or max is not a float');
export const NOT_LEX_RANGE = err('ERR min or max not valid string range item');

function bound(s: string): [number, boolean] | null {
  const ex = s.startsWith('(');
  // An exclusive bound goes through a bare strtod, which reads "" as 0: "(" is "(0".
  if (ex && s.length === 1) return [0, true];
  const v = parseDouble(ex ? s.slice(1) : s);
  return v === null ? null : [v, ex];
}

export function parseScoreRange(min: string, max: string): ScoreRange | ErrorReply {
  const a = bound(min);
  const b = bound(max);
  if (a === null || b === null) return NOT_FLOAT_RANGE;
  return { min: a[0], minex: a[1], max: b[0], maxex: b[1] };
}

export function inScoreRange(score: number, r: ScoreRange): boolean {
  return (r.minex ? score > r.min : score >= r.min) && (r.maxex ? score < r.max : score <= r.max);
}

export interface LexRange {
  /** null: -inf / +inf. */
  min: string | null;
  max: string | null;
  minex: boolean;
  maxex: boolean;
  minInf: 1 | -1 | 0;
  maxInf: 1 | -1 | 0;
}

function lexItem(s: string): { v: string | null; ex: boolean; inf: 1 | -1 | 0 } | null {
  if (s === '+') return { v: null, ex: false, inf: 1 };
  if (s === '-') return { v: null, ex: false, inf: -1 };
  if (s.startsWith('(')) return { v: s.slice(1), ex: true, inf: 0 };
  if (s.startsWith('[')) return { v: s.slice(1), ex: false, inf: 0 };
  return null;
}

export function parseLexRange(min: string, max: string): LexRange | ErrorReply {
  const a = lexItem(min);
  const b = lexItem(max);
  if (a === null || b === null) return NOT_LEX_RANGE;
  return { min: a.v, minex: a.ex, minInf: a.inf, max: b.v, maxex: b.ex, maxInf: b.inf };
}

export function inLexRange(m: string, r: LexRange): boolean {
  const geMin = r.minInf === -1 ? true : r.minInf === 1 ? false : r.minex ? m > (r.min as string) : m >= (r.min as string);
  const leMax = r.maxInf === 1 ? true : r.maxInf === -1 ? false : r.maxex ? m < (r.max as string) : m <= (r.max as string);
  return geMin && leMax;
}

/** Members in `order` within a score or lex range, after `offset`, at most `count` (< 0: all). */
export function collectRange(
  z: SortedSet,
  reverse: boolean,
  accept: (member: string, score: number) => boolean,
  offset: number,
  count: number,
): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  if (offset < 0 || count === 0) return out;
  let skipped = 0;
  let seenAny = false;
  for (const [m, s] of z.walk(reverse)) {
    if (!accept(m, s)) {
      // Past the range once inside it: stop (the walk is ordered).
      if (seenAny) break;
      continue;
    }
    seenAny = true;
    if (skipped < offset) {
      skipped++;
      continue;
    }
    out.push([m, s]);
    if (count > 0 && out.length >= count) break;
  }
  return out;
}

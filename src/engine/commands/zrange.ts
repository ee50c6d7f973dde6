/**
 * ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count]
 * [WITHSCORES], and the older ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE
 * (t_zset.c: zrangeGenericCommand, whose option rules these follow).
 */
import { command, type Context } from '../command.ts';
import { err, NOT_INTEGER, SYNTAX } from '../errors.ts';
import { string2llNum } from '../numbers.ts';
import { ErrorReply, type Reply } from '../reply.ts';
import { collectRange, inLexRange, inScoreRange, parseLexRange, parseScoreRange } from '../zset/ranges.ts';
import { membersReply } from '../zset/util.ts';

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

function zrangeGeneric(ctx: Context, argv: string[], rangeType: RangeType, direction: Direction): Reply {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = 4; j < argv.length; j++) {
    const o = argv[j].toLowerCase();
    const left = argv.length - j - 1;
    if (o === 'withscores') withScores = true;
    else if (o === 'limit' && left >= 2) {
      const off = string2llNum(argv[j + 1]);
      if (off === null) return NOT_INTEGER;
      const cnt = string2llNum(argv[j + 2]);
      if (cnt === null) return NOT_INTEGER;
      offset = off;
      limit = cnt;
      j += 2;
    } else if (direction === 'auto' && o === 'rev') direction = 'reverse';
    else if (rangeType === 'auto' && o === 'bylex') rangeType = 'lex';
    else if (rangeType === 'auto' && o === 'byscore') rangeType = 'score';
    else return SYNTAX;
  }
  if (rangeType === 'auto') rangeType = 'rank';
  // Redis tests the count, not whether LIMIT was given: LIMIT 0 -1 passes.
  if (limit !== -1 && rangeType === 'rank') return err('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && rangeType === 'lex') return err('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  const reverse = direction === 'reverse';
  let [minArg, maxArg] = [argv[2], argv[3]];
  if (reverse && rangeType !== 'rank') [minArg, maxArg] = [maxArg, minArg];

  if (rangeType === 'rank') {
    const start = string2llNum(argv[2]);
    const end = string2llNum(argv[3]);
    if (start === null || end === null) return NOT_INTEGER;
    const z = ctx.db.lookupTyped(argv[1], 'zset');
    if (z instanceof ErrorReply) return z;
    if (z === undefined) return [];
    const len = z.zset.size;
    let s = start < 0 ? len + start : start;
    let e = end < 0 ? len + end : end;
    if (s < 0) s = 0;
    if (s > e || s >= len) return [];
    if (e >= len) e = len - 1;
    const items: Array<[string, number]> = [];
    let i = 0;
    for (const pair of z.zset.walk(reverse)) {
      if (i > e) break;
      if (i >= s) items.push(pair);
      i++;
    }
    return membersReply(items, withScores);
  }
  let accept: (m: string, s: number) => boolean;
  if (rangeType === 'score') {
    const r = parseScoreRange(minArg, maxArg);
    if (r instanceof ErrorReply) return r;
    accept = (_m, s) => inScoreRange(s, r);
  } else {
    const r = parseLexRange(minArg, maxArg);
    if (r instanceof ErrorReply) return r;
    accept = (m) => inLexRange(m, r);
  }
  const z = ctx.db.lookupTyped(argv[1], 'zset');
  if (z instanceof ErrorReply) return z;
  if (z === undefined) return [];
  return membersReply(collectRange(z.zset, reverse, accept, offset, limit), withScores);
}

const spec = (name: string, rangeType: RangeType, direction: Direction) =>
  command({ name, arity: -4, flags: ['readonly'], run: (ctx, argv) => zrangeGeneric(ctx, argv, rangeType, direction) });

export const zrange = spec('zrange', 'auto', 'auto');
export const zrevrange = spec('zrevrange', 'rank', 'reverse');
export const zrangebyscore = spec('zrangebyscore', 'score', 'forward');
export const zrevrangebyscore = spec('zrevrangebyscore', 'score', 'reverse');
export const zrangebylex = spec('zrangebylex', 'lex', 'forward');

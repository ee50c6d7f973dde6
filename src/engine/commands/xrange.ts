import { command, type Context } from '../command.ts';
import { err, INVALID_STREAM_ID, NOT_INTEGER, SYNTAX } from '../errors.ts';
import { string2llNum } from '../numbers.ts';
import { ErrorReply, NULL_ARRAY, type Reply } from '../reply.ts';
import { entryReply } from '../stream/args.ts';
import { nextId, parseIntervalId, prevId, UINT64_MAX, type StreamId } from '../stream/id.ts';

interface RangeArgs {
  start: StreamId;
  end: StreamId;
  /** -1: no COUNT. */
  count: number;
}

/** Parse start/end (with `(` exclusive bounds) and COUNT, as xrangeGenericCommand. */
export function parseRange(argv: string[], rev: boolean): RangeArgs | ErrorReply {
  const s = parseIntervalId(rev ? argv[3] : argv[2], 0n);
  if (s === null) return INVALID_STREAM_ID;
  let start = s.id;
  if (s.exclusive) {
    const n = nextId(start);
    if (n === null) return err('ERR invalid start ID for the interval');
    start = n;
  }
  const e = parseIntervalId(rev ? argv[2] : argv[3], UINT64_MAX);
  if (e === null) return INVALID_STREAM_ID;
  let end = e.id;
  if (e.exclusive) {
    const p = prevId(end);
    if (p === null) return err('ERR invalid end ID for the interval');
    end = p;
  }
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (argv[j].toLowerCase() === 'count' && argv.length - j - 1 >= 1) {
      const n = string2llNum(argv[j + 1]);
      if (n === null) return NOT_INTEGER;
      count = n < 0 ? 0 : n;
      j++;
    } else {
      return SYNTAX;
    }
  }
  return { start, end, count };
}

export function runRange(ctx: Context, argv: string[], rev: boolean): Reply {
  const args = parseRange(argv, rev);
  if (args instanceof ErrorReply) return args;
  const s = ctx.db.lookupTyped(argv[1], 'stream');
  if (s instanceof ErrorReply) return s;
  if (s === undefined) return [];
  if (args.count === 0) return NULL_ARRAY;
  const out: Reply[] = [];
  for (const e of s.range(args.start, args.end, rev)) {
    out.push(entryReply(e));
    if (args.count > 0 && out.length >= args.count) break;
  }
  return out;
}

/** XRANGE key start end [COUNT count] */
export const xrange = command({
  name: 'xrange',
  arity: -4,
  flags: ['readonly'],
  run: (ctx, argv) => runRange(ctx, argv, false),
});

/**
 * Argument parsing shared by the stream commands: XADD/XTRIM trimming
 * options (streamParseAddOrTrimArgsOrReply) and entry replies.
 */
import { err, INVALID_STREAM_ID, NOT_INTEGER, SYNTAX } from '../errors.ts';
import { string2llNum } from '../numbers.ts';
import type { ErrorReply, Reply } from '../reply.ts';
import { formatId, parseId, type StreamId } from './id.ts';
import type { StreamEntry } from './stream.ts';

export interface AddTrimArgs {
  /** XADD: index of the ID argument. */
  idPos: number;
  /** XADD: the explicit ID, absent for `*`. */
  id?: StreamId;
  /** XADD: false for `<ms>-*`. */
  seqGiven: boolean;
  noMkStream: boolean;
  strategy: 'none' | 'maxlen' | 'minid';
  /** argv index of the MAXLEN count / MINID id (for propagation rewrites). */
  strategyArgIdx: number;
  approx: boolean;
  limit: number;
  maxLen: number;
  minId: StreamId;
}

export function parseAddOrTrimArgs(argv: string[], xadd: boolean, nodeMaxEntries: number): AddTrimArgs | ErrorReply {
  const a: AddTrimArgs = {
    idPos: -1,
    seqGiven: true,
    noMkStream: false,
    strategy: 'none',
    strategyArgIdx: 0,
    approx: false,
    limit: 0,
    maxLen: 0,
    minId: { ms: 0n, seq: 0n },
  };
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i];
    const lower = opt.toLowerCase();
    if (xadd && opt === '*') {
      break;
    } else if (lower === 'maxlen' && more) {
      if (a.strategy !== 'none') return err('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
      a.approx = false;
      const next = argv[i + 1];
      if (more >= 2 && next === '~') {
        a.approx = true;
        i++;
      } else if (more >= 2 && next === '=') {
        i++;
      }
      const n = string2llNum(argv[i + 1]);
      if (n === null) return NOT_INTEGER;
      if (n < 0) return err('ERR The MAXLEN argument must be >= 0.');
      a.maxLen = n;
      i++;
      a.strategy = 'maxlen';
      a.strategyArgIdx = i;
    } else if (lower === 'minid' && more) {
      if (a.strategy !== 'none') return err('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
      a.approx = false;
      const next = argv[i + 1];
      if (more >= 2 && next === '~') {
        a.approx = true;
        i++;
      } else if (more >= 2 && next === '=') {
        i++;
      }
      const id = parseId(argv[i + 1], 0n, true);
      if (id === null) return INVALID_STREAM_ID;
      a.minId = { ms: id.ms, seq: id.seq };
      i++;
      a.strategy = 'minid';
      a.strategyArgIdx = i;
    } else if (lower === 'limit' && more) {
      const n = string2llNum(argv[i + 1]);
      if (n === null) return NOT_INTEGER;
      if (n < 0) return err('ERR The LIMIT argument must be >= 0.');
      a.limit = n;
      limitGiven = true;
      i++;
    } else if (xadd && lower === 'nomkstream') {
      a.noMkStream = true;
    } else if (xadd) {
      const id = parseId(opt, 0n, true, true);
      if (id === null) return INVALID_STREAM_ID;
      a.id = { ms: id.ms, seq: id.seq };
      a.seqGiven = id.seqGiven;
      break;
    } else {
      return SYNTAX;
    }
  }
  a.idPos = i;
  if (a.limit && a.strategy === 'none') {
    return err('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
  }
  if (!xadd && a.strategy === 'none') return err('ERR syntax error, XTRIM must be called with a trimming strategy');
  if (limitGiven) {
    if (!a.approx) return err('ERR syntax error, LIMIT cannot be used without the special ~ option');
  } else if (a.approx) {
    let limit = 100 * nodeMaxEntries;
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
    a.limit = limit;
  } else {
    a.limit = 0;
  }
  return a;
}

/** One entry as Redis replies it: [id, [field, value, ...]]. */
export function entryReply(e: StreamEntry): Reply {
  return [formatId(e.id), e.fields];
}

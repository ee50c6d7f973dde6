import { command } from '../command.ts';
import { err, wrongArity } from '../errors.ts';
import { ErrorReply, type Reply } from '../reply.ts';
import { parseAddOrTrimArgs, type AddTrimArgs } from '../stream/args.ts';
import { compareIds, formatId, formatIdNumeric, UINT64_MAX, type StreamId } from '../stream/id.ts';
import { StreamValue } from '../stream/stream.ts';
import type { Context } from '../command.ts';

/**
 * XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]
 *
 * Propagated with the generated ID, and with `~` trimming rewritten to the
 * exact resulting MAXLEN/MINID, so replaying the AOF gives the same stream.
 */
export const xadd = command({
  name: 'xadd',
  arity: -5,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    // Fast path for the common `XADD key * field value ...`.
    const args = argv[2] === '*' ? AUTO_ID : parseAddOrTrimArgs(argv, true, ctx.engine.config.streamNodeMaxEntries);
    if (args instanceof ErrorReply) return args;
    const fieldPos = args.idPos + 1;
    const nFields = argv.length - fieldPos;
    if (nFields < 2 || nFields % 2 === 1) return wrongArity('xadd');
    if (args.id && args.seqGiven && args.id.ms === 0n && args.id.seq === 0n) {
      return err('ERR The ID specified in XADD must be greater than 0-0');
    }
    return execXadd(ctx, argv, args, fieldPos);
  },
});

/** The parsed options of `XADD key * ...` (no options): shared, never mutated. */
const AUTO_ID: AddTrimArgs = Object.freeze({
  idPos: 2,
  seqGiven: true,
  noMkStream: false,
  strategy: 'none',
  strategyArgIdx: 0,
  approx: false,
  limit: 0,
  maxLen: 0,
  minId: { ms: 0n, seq: 0n },
}) as AddTrimArgs;

/**
 * Redis's streamAppendItem ID choice: null when the ID is not greater than
 * the top; 'seq-exhausted' for `<ms>-*` when ms is the top's and its seq is
 * at the maximum (Redis then fails without setting errno and so reports
 * "Elements are too large to be stored").
 */
export function nextAddId(
  s: StreamValue,
  now: number,
  given: StreamId | undefined,
  seqGiven: boolean,
): StreamId | null | 'seq-exhausted' {
  const last = s.lastId;
  let id: StreamId;
  if (given !== undefined) {
    if (seqGiven) id = given;
    else if (last.ms === given.ms) {
      if (last.seq === UINT64_MAX) return 'seq-exhausted';
      id = { ms: last.ms, seq: last.seq + 1n };
    } else id = given;
  } else {
    const ms = nowBig(now);
    if (ms > last.ms) id = { ms, seq: 0n };
    else if (last.seq === UINT64_MAX) id = { ms: last.ms === UINT64_MAX ? 0n : last.ms + 1n, seq: 0n };
    else id = { ms: last.ms, seq: last.seq + 1n };
  }
  return compareIds(id, last) <= 0 ? null : id;
}

let cachedNow = -1;
let cachedNowBig = 0n;

/** BigInt(now), kept while the clock stays on the same millisecond (consecutive XADDs mostly do). */
function nowBig(now: number): bigint {
  if (now !== cachedNow) {
    cachedNow = now;
    cachedNowBig = BigInt(now);
  }
  return cachedNowBig;
}

function execXadd(ctx: Context, argv: string[], args: AddTrimArgs, fieldPos: number): Reply {
  const key = argv[1];
  const db = ctx.db;
  let s = db.lookupTyped(key, 'stream');
  if (s instanceof ErrorReply) return s;
  if (s === undefined) {
    if (args.noMkStream) return null;
    s = new StreamValue({ maxEntries: ctx.engine.config.streamNodeMaxEntries, maxBytes: ctx.engine.config.streamNodeMaxBytes });
    db.add(key, s);
  }
  let reply: string;
  const now = ctx.now;
  if (args.id === undefined && s.lastIdSafe && Number.isSafeInteger(now) && s.lastSeqNum < Number.MAX_SAFE_INTEGER) {
    // `*` with a last ID below 2^53 (always, unless set so by hand): nextAddId's
    // choice in numbers, so the append allocates no bigint.
    let ms = s.lastMsNum;
    let seq = s.lastSeqNum + 1;
    if (now > ms) {
      ms = now;
      seq = 0;
    }
    s.appendNumeric(ms, seq, argv, fieldPos);
    reply = formatIdNumeric(ms, seq);
  } else {
    if (s.lastId.ms === UINT64_MAX && s.lastId.seq === UINT64_MAX) {
      return err('ERR The stream has exhausted the last possible ID, unable to add more items');
    }
    const id = nextAddId(s, now, args.id, args.seqGiven);
    if (id === null) return err('ERR The ID specified in XADD is equal or smaller than the target stream top item');
    if (id === 'seq-exhausted') return err('ERR Elements are too large to be stored');
    s.append(id, argv, fieldPos);
    reply = formatId(id);
  }
  db.touch(key);
  ctx.dirty();
  let prop: string[] | null = null;
  const propagating = ctx.engine.propagating;
  if (args.strategy !== 'none') {
    s.trim({
      maxLen: args.strategy === 'maxlen' ? args.maxLen : undefined,
      minId: args.strategy === 'minid' ? args.minId : undefined,
      approx: args.approx,
      limit: args.limit,
    });
    if (args.approx && propagating) {
      prop = argv.slice();
      prop[args.strategyArgIdx - 1] = '=';
      prop[args.strategyArgIdx] = args.strategy === 'maxlen' ? String(s.length) : formatId(s.edgeId(true));
    }
  }
  if (propagating && (args.id === undefined || !args.seqGiven)) {
    prop ??= argv.slice();
    prop[args.idPos] = reply;
  }
  if (prop !== null) ctx.propagate(prop);
  ctx.ready(key);
  return reply;
}

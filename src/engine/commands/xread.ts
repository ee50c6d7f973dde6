import { Block, command, type Context } from '../command.ts';
import { err, INVALID_STREAM_ID, NOT_INTEGER, SYNTAX, TIMEOUT_NEGATIVE } from '../errors.ts';
import { string2llNum } from '../numbers.ts';
import { ErrorReply, MapReply, NULL_ARRAY, type Reply } from '../reply.ts';
import { entryReply } from '../stream/args.ts';
import type { ConsumerGroup } from '../stream/group.ts';
import { compareIds, MAX_ID, nextId, parseId, type StreamId } from '../stream/id.ts';
import { deliverHistory, deliverNew, type PropagateTo } from '../stream/read.ts';
import type { StreamValue } from '../stream/stream.ts';

/** Without COUNT, a blocked reader is served at most this many entries (as Redis). */
const BLOCKED_DEFAULT_COUNT = 1000;

export interface ReadArgs {
  /** ms; -1 when no BLOCK. */
  timeout: number;
  count: number;
  noack: boolean;
  group?: string;
  consumer?: string;
  keys: string[];
  /** Raw ID arguments. */
  ids: string[];
}

/** Parse XREAD / XREADGROUP options (xreadCommand's first loop). */
export function parseRead(argv: string[], xreadgroup: boolean, now: number, fromScript = false): ReadArgs | ErrorReply {
  const a: ReadArgs = { timeout: -1, count: 0, noack: false, keys: [], ids: [] };
  let streamsArg = 0;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i].toLowerCase();
    if (o === 'block' && more) {
      // Redis refuses BLOCK in scripts outright (kept for backward compatibility).
      if (fromScript) return err(`ERR ${argv[0]} command is not allowed with BLOCK option from scripts`);
      i++;
      const t = string2llNum(argv[i]);
      if (t === null) return err('ERR timeout is not an integer or out of range');
      if (t < 0) return TIMEOUT_NEGATIVE;
      if (t > 0 && t > 9223372036854775807 - now) return err('ERR timeout is out of range');
      a.timeout = t;
    } else if (o === 'count' && more) {
      i++;
      const n = string2llNum(argv[i]);
      if (n === null) return NOT_INTEGER;
      a.count = n < 0 ? 0 : n;
    } else if (o === 'streams' && more) {
      streamsArg = i + 1;
      const n = argv.length - streamsArg;
      if (n % 2 !== 0) {
        return err("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      }
      a.keys = argv.slice(streamsArg, streamsArg + n / 2);
      a.ids = argv.slice(streamsArg + n / 2);
      break;
    } else if (o === 'group' && more >= 2) {
      if (!xreadgroup) return err('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
      a.group = argv[i + 1];
      a.consumer = argv[i + 2];
      i += 2;
    } else if (o === 'noack') {
      if (!xreadgroup) return err('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
      a.noack = true;
    } else {
      return SYNTAX;
    }
  }
  if (streamsArg === 0) return SYNTAX;
  if (xreadgroup && a.group === undefined) return err('ERR Missing GROUP option for XREADGROUP');
  return a;
}

/** The greatest live entry ID (streamLastValidID). */
function lastValidId(s: StreamValue): StreamId {
  return s.edgeId(false);
}

/** XREAD / XREADGROUP: serve now, or block. */
export function runRead(ctx: Context, argv: string[], xreadgroup: boolean): Reply | Block {
  const a = parseRead(argv, xreadgroup, ctx.now, ctx.session.isScript);
  if (a instanceof ErrorReply) return a;
  const db = ctx.db;
  const n = a.keys.length;
  const gts: StreamId[] = new Array(n);
  const groups: Array<ConsumerGroup | undefined> = new Array(n);
  for (let i = 0; i < n; i++) {
    const key = a.keys[i];
    const s = db.lookupTyped(key, 'stream');
    if (s instanceof ErrorReply) return s;
    if (a.group !== undefined) {
      const g = s?.groups?.get(a.group);
      if (s === undefined || g === undefined) {
        return err(
          `NOGROUP No such key '${key}' or consumer group '${a.group}' in XREADGROUP with GROUP option`,
        );
      }
      groups[i] = g;
    }
    const idArg = a.ids[i];
    if (idArg === '$') {
      if (xreadgroup) {
        return err(
          'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
        );
      }
      gts[i] = s ? s.lastId : { ms: 0n, seq: 0n };
    } else if (idArg === '>') {
      if (!xreadgroup) {
        return err('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
      }
      gts[i] = MAX_ID;
    } else {
      const id = parseId(idArg, 0n, true);
      if (id === null) return INVALID_STREAM_ID;
      gts[i] = { ms: id.ms, seq: id.seq };
    }
  }
  ctx.suppressPropagation();

  const out: Reply[] = [];
  for (let i = 0; i < n; i++) {
    const key = a.keys[i];
    const s = db.lookupTyped(key, 'stream');
    if (s === undefined || s instanceof ErrorReply) continue;
    let gt = gts[i];
    let serve = false;
    let history = false;
    const g = groups[i];
    if (g !== undefined) {
      if (gt.ms !== MAX_ID.ms || gt.seq !== MAX_ID.seq) {
        serve = history = true;
      } else if (s.length > 0 && compareIds(lastValidId(s), g.lastId) > 0) {
        serve = true;
        gt = g.lastId;
      }
    } else if (s.length > 0 && compareIds(lastValidId(s), gt) > 0) {
      serve = true;
    }
    if (!serve) continue;
    const start = nextId(gt) ?? { ms: 0n, seq: 0n };
    out.push(key, serveOne(ctx, s, key, g, a, start, a.count, history));
    if (g !== undefined) ctx.dirty();
  }
  if (out.length > 0) return new MapReply(out, true);
  if (a.timeout === -1) return NULL_ARRAY;

  // Block: wait for one of the keys to get entries past what was asked for.
  const count = a.count || BLOCKED_DEFAULT_COUNT;
  return new Block(
    a.keys,
    a.timeout,
    (rctx, key) => retryRead(rctx, a, key, gts[a.keys.indexOf(key)], count),
    () => NULL_ARRAY,
  );
}

function serveOne(
  ctx: Context,
  s: StreamValue,
  key: string,
  g: ConsumerGroup | undefined,
  a: ReadArgs,
  start: StreamId,
  count: number,
  history: boolean,
): Reply {
  if (g === undefined) {
    const entries: Reply[] = [];
    for (const e of s.range(start, MAX_ID)) {
      entries.push(entryReply(e));
      if (count && entries.length >= count) break;
    }
    return entries;
  }
  let consumer = g.lookupConsumer(a.consumer!, ctx.now);
  const p: PropagateTo = { key, group: a.group!, emit: (argv) => ctx.propagate(argv) };
  if (consumer === undefined) {
    consumer = g.createConsumer(a.consumer!, ctx.now)!;
    ctx.dirty();
    if (a.noack) ctx.propagate(['XGROUP', 'CREATECONSUMER', key, a.group!, a.consumer!]);
  }
  if (history) return deliverHistory(s, consumer, start, count, ctx.now);
  return deliverNew(s, g, consumer, start, count, a.noack, ctx.now, p);
}

/** serveClientsBlockedOnStreamKey for one parked reader. */
function retryRead(ctx: Context, a: ReadArgs, key: string, gtAtBlock: StreamId, count: number): Reply | undefined {
  const v = ctx.db.lookup(key);
  const s = v !== undefined && typeof v !== 'string' && v.type === 'stream' ? v : undefined;
  if (s === undefined) {
    // A deleted or overwritten key ends XREADGROUP waits; XREAD keeps waiting.
    return a.group !== undefined ? err('UNBLOCKED the stream key no longer exists') : undefined;
  }
  let gt = gtAtBlock;
  let g: ConsumerGroup | undefined;
  if (a.group !== undefined) {
    g = s.groups?.get(a.group);
    if (g === undefined) return err('NOGROUP the consumer group this client was blocked on no longer exists');
    gt = g.lastId;
  }
  if (compareIds(s.lastId, gt) <= 0) return undefined;
  const start = nextId(gt) ?? { ms: 0n, seq: 0n };
  const reply = serveOne(ctx, s, key, g, a, start, count, false);
  return new MapReply([key, reply], true);
}

/** XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...] */
export const xread = command({
  name: 'xread',
  arity: -4,
  flags: ['readonly', 'blocking'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: (ctx, argv) => runRead(ctx, argv, false),
});

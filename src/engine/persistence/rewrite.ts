/**
 * The dataset as commands, for an append-only file rewrite: the smallest
 * command sequence that rebuilds every key, its TTL, and for streams the
 * metadata, consumer groups, consumers and pending entries exactly (as
 * Redis's rewriteStreamObject does).
 */
import type { Db } from '../db.ts';
import type { Engine } from '../engine.ts';
import { formatId } from '../stream/id.ts';
import { formatDouble17g } from '../numbers.ts';
import type { ListValue, SetValue, ZSetValue } from '../types.ts';
import { keyId } from '../stream/pel.ts';
import type { StreamValue } from '../stream/stream.ts';
import type { Value } from '../types.ts';
import { MAX_ID, MIN_ID } from '../stream/id.ts';

/** Commands per value type; a type without one cannot be rewritten (an error names it). */
export type Serializer = (key: string, value: Value, emit: (argv: string[]) => void) => void;

const BATCH = 64;

function stream(key: string, v: Value, emit: (argv: string[]) => void): void {
  const s = v as StreamValue;
  if (s.length === 0) {
    // An empty stream still exists: create it, then XSETID restores its counters.
    // (0-0 cannot be added; 0-1 is, and XSETID then sets the real last ID.)
    const id = s.lastId.ms === 0n && s.lastId.seq === 0n ? '0-1' : formatId(s.lastId);
    emit(['XADD', key, 'MAXLEN', '0', id, 'x', 'y']);
  } else {
    for (const e of s.range(MIN_ID, MAX_ID)) emit(['XADD', key, formatId(e.id), ...e.fields]);
  }
  emit(['XSETID', key, formatId(s.lastId), 'ENTRIESADDED', String(s.entriesAdded), 'MAXDELETEDID', formatId(s.maxDeletedId)]);
  if (s.groups === null) return;
  for (const g of s.groups.values()) {
    emit(['XGROUP', 'CREATE', key, g.name, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
    for (const c of g.consumers.values()) {
      emit(['XGROUP', 'CREATECONSUMER', key, g.name, c.name]);
      for (const [k, nack] of c.pel.entriesFrom()) {
        emit(['XCLAIM', key, g.name, c.name, '0', formatId(keyId(k)), 'TIME', String(nack.deliveryTime),
          'RETRYCOUNT', String(nack.deliveryCount), 'JUSTID', 'FORCE']);
      }
    }
  }
}

export const serializers: Record<string, Serializer> = {
  string: (key, v, emit) => emit(['SET', key, v as string]),
  hash: (key, v, emit) => {
    const pairs: string[] = [];
    for (const [f, val] of (v as { map: Map<string, string> }).map) {
      pairs.push(f, val);
      if (pairs.length >= BATCH * 2) emit(['HSET', key, ...pairs.splice(0)]);
    }
    if (pairs.length) emit(['HSET', key, ...pairs]);
  },
  stream,
  list: (key, v, emit) => batched(key, 'RPUSH', (v as ListValue).list.toArray(), emit),
  set: (key, v, emit) => batched(key, 'SADD', [...(v as SetValue).set], emit),
  zset: (key, v, emit) => {
    const args: string[] = [];
    for (const [m, score] of (v as ZSetValue).zset.walk()) args.push(formatDouble17g(score), m);
    for (let i = 0; i < args.length; i += BATCH * 2) emit(['ZADD', key, ...args.slice(i, i + BATCH * 2)]);
  },
};

function batched(key: string, cmd: string, items: string[], emit: (argv: string[]) => void): void {
  for (let i = 0; i < items.length; i += BATCH) emit([cmd, key, ...items.slice(i, i + BATCH)]);
}

/** Every database's keys as commands (SELECT before each non-empty db). */
export function* datasetCommands(engine: Engine): Generator<string[]> {
  for (const db of engine.dbs) {
    if (db.size === 0) continue;
    yield ['SELECT', String(db.id)];
    yield* dbCommands(db);
  }
}

function* dbCommands(db: Db): Generator<string[]> {
  const out: string[][] = [];
  const emit = (argv: string[]) => out.push(argv);
  for (const [key, value] of db.dict.entries()) {
    const type = typeof value === 'string' ? 'string' : value.type;
    const ser = serializers[type];
    if (ser === undefined) throw new Error(`cannot rewrite key of type ${type}`);
    ser(key, value, emit);
    const when = db.expires.get(key);
    if (when !== undefined) emit(['PEXPIREAT', key, String(when)]);
    yield* out.splice(0);
  }
}

/**
 * Events as stream entries, and upcasting on read.
 *
 *   id, type, data (JSON), meta (JSON: metadata, correlationId,
 *   causationId, schemaVersion), and on an aggregate stream `log` (the
 *   log entry's ID); on the log, `s` (stream) and `v` (version). The
 *   timestamp is the log entry ID's time (the server's clock at append).
 */
import type { Reply } from '../client/connection.ts';
import { badArgument } from './errors.ts';
import type { EventData, Position, RecordedEvent } from './types.ts';

interface StoredMeta {
  metadata?: Record<string, unknown>;
  correlationId?: string;
  causationId?: string;
  schemaVersion?: number;
}

export function encodeEvent(e: EventData): [id: string, tracked: '0' | '1', type: string, data: string, meta: string] {
  if (typeof e?.type !== 'string' || e.type.length === 0) badArgument('an event needs a non-empty string type');
  const data = JSON.stringify(e.data ?? null);
  const meta: StoredMeta = {};
  if (e.metadata !== undefined) meta.metadata = e.metadata;
  if (e.correlationId !== undefined) meta.correlationId = e.correlationId;
  if (e.causationId !== undefined) meta.causationId = e.causationId;
  if (e.schemaVersion !== undefined) {
    if (!Number.isInteger(e.schemaVersion) || e.schemaVersion < 1) badArgument(`schemaVersion must be a positive integer, got ${e.schemaVersion}`);
    meta.schemaVersion = e.schemaVersion;
  }
  if (e.id !== undefined && (typeof e.id !== 'string' || e.id.length === 0)) badArgument('an event id is a non-empty string');
  return e.id === undefined ? [crypto.randomUUID(), '0', e.type, data, JSON.stringify(meta)] : [e.id, '1', e.type, data, JSON.stringify(meta)];
}

function fields(raw: Reply): Map<string, string> {
  const list = raw as string[];
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < list.length; i += 2) m.set(list[i], list[i + 1]);
  return m;
}

/** A [entryId, fields] reply from an aggregate stream (`stream` and `partition` known) or a log. */
export function decodeEntry(entry: Reply, where: { stream?: string; partition: number }): RecordedEvent {
  const [entryId, raw] = entry as [string, Reply];
  const f = fields(raw);
  const meta = JSON.parse(f.get('meta') ?? '{}') as StoredMeta;
  const fromLog = where.stream === undefined;
  const position: Position = { partition: where.partition, logId: fromLog ? entryId : (f.get('log') ?? '') };
  return {
    stream: fromLog ? (f.get('s') ?? '') : (where.stream as string),
    version: fromLog ? Number(f.get('v')) : Number(entryId.slice(2)),
    id: f.get('id') ?? '',
    type: f.get('type') ?? '',
    data: JSON.parse(f.get('data') ?? 'null'),
    metadata: meta.metadata ?? {},
    correlationId: meta.correlationId,
    causationId: meta.causationId,
    schemaVersion: meta.schemaVersion ?? 1,
    timestamp: Number(position.logId.slice(0, position.logId.indexOf('-'))),
    position,
  };
}

/**
 * Upcasters turn an event stored with an older schema into the current
 * shape on read: one function per (type, fromVersion), applied in a chain
 * until none matches. The stored event is never rewritten.
 */
export interface Upcaster {
  type: string;
  /** The schema version this upcaster reads; it produces fromVersion + 1. */
  fromVersion: number;
  upcast(data: any, event: RecordedEvent): { type?: string; data: unknown };
}

export function upcaster(upcasters: readonly Upcaster[]): (e: RecordedEvent) => RecordedEvent {
  if (upcasters.length === 0) return (e) => e;
  const byKey = new Map<string, Upcaster>();
  for (const u of upcasters) {
    const key = `${u.type}\u0000${u.fromVersion}`;
    if (byKey.has(key)) badArgument(`two upcasters for ${u.type} v${u.fromVersion}`);
    byKey.set(key, u);
  }
  return (e) => {
    let cur = e;
    for (let guard = 0; guard < 1000; guard++) {
      const u = byKey.get(`${cur.type}\u0000${cur.schemaVersion}`);
      if (u === undefined) return cur;
      const next = u.upcast(cur.data, cur);
      cur = { ...cur, type: next.type ?? cur.type, data: next.data, schemaVersion: cur.schemaVersion + 1 };
    }
    return cur;
  };
}

/** Order of the merged global log: log ID (time, then sequence), then partition. */
export function comparePositions(a: Position, b: Position): number {
  const [am, as] = a.logId.split('-');
  const [bm, bs] = b.logId.split('-');
  if (am !== bm) return am.length !== bm.length ? am.length - bm.length : am < bm ? -1 : 1;
  if (as !== bs) return as.length !== bs.length ? as.length - bs.length : as < bs ? -1 : 1;
  return a.partition - b.partition;
}

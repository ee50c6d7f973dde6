/**
 * A topic: P partition streams and their companions, all keys of one
 * partition under one hash tag so every multi-key step stays on one
 * Cluster slot (DESIGN.md):
 *
 *   <prefix>{<topic>:<i>}          the partition stream
 *   <prefix>{<topic>:<i>}:dlq      its dead letters
 *   <prefix>{<topic>:<i>}:dedupe:<key>   idempotency markers
 */
import { badOption } from './errors.ts';
import type { StandardSchemaV1 } from './standard-schema.ts';

export interface TopicOptions<T> {
  /** Topic name: letters, digits, and - _ . only. */
  name: string;
  /** Validates payloads on send and on receive (any Standard Schema: zod, valibot, ...). */
  schema?: StandardSchemaV1<unknown, T>;
  /** Number of partition streams. @defaultValue 1 */
  partitions?: number;
  /** Key prefix. @defaultValue 'brook:' */
  prefix?: string;
}

export interface Topic<T> {
  readonly name: string;
  readonly partitions: number;
  readonly prefix: string;
  readonly schema?: StandardSchemaV1<unknown, T>;
  stream(partition: number): string;
  deadLetters(partition: number): string;
  dedupe(partition: number, key: string): string;
  /** The partition for a message key (stable FNV-1a hash), or round-robin without one. */
  partitionFor(key: string | undefined): number;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function topic<T = unknown>(o: TopicOptions<T>): Topic<T> {
  if (!/^[A-Za-z0-9._-]+$/.test(o.name ?? '')) badOption(`topic name '${o.name}' must be letters, digits, '.', '_' or '-'`);
  const partitions = o.partitions ?? 1;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024) badOption(`partitions must be 1..1024, got ${partitions}`);
  const prefix = o.prefix ?? 'brook:';
  let rr = 0;
  // Built once: a send or a read names its stream with no new string.
  const streams = Array.from({ length: partitions }, (_, i) => `${prefix}{${o.name}:${i}}`);
  const stream = (i: number) => streams[i] ?? `${prefix}{${o.name}:${i}}`;
  return {
    name: o.name,
    partitions,
    prefix,
    schema: o.schema,
    stream,
    deadLetters: (i) => `${stream(i)}:dlq`,
    dedupe: (i, key) => `${stream(i)}:dedupe:${key}`,
    partitionFor: (key) => (key === undefined ? rr++ % partitions : fnv1a(key) % partitions),
  };
}

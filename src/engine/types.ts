/**
 * The value types a key can hold. A string value is a plain JS (binary)
 * string; every other type is an object with a `type` tag, so that a type
 * check is one property read.
 */
import type { Deque } from './list/deque.ts';
import type { StreamValue } from './stream/stream.ts';
import type { SortedSet } from './zset/sorted-set.ts';

export type { StreamValue };

export interface HashValue {
  readonly type: 'hash';
  readonly map: Map<string, string>;
}
export interface ListValue {
  readonly type: 'list';
  readonly list: Deque;
}
export interface SetValue {
  readonly type: 'set';
  readonly set: Set<string>;
}
export interface ZSetValue {
  readonly type: 'zset';
  readonly zset: SortedSet;
}

export type ObjectValue = HashValue | ListValue | SetValue | ZSetValue | StreamValue;
export type Value = string | ObjectValue;
export type TypeName = 'string' | ObjectValue['type'];

export function typeOf(v: Value): TypeName {
  return typeof v === 'string' ? 'string' : v.type;
}

export function newHash(): HashValue {
  return { type: 'hash', map: new Map() };
}

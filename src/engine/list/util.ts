/** Shared steps of the list commands (t_list.c's helpers). */
import type { Context } from '../command.ts';
import { err, NOT_INTEGER } from '../errors.ts';
import { string2llNum, parseDouble } from '../numbers.ts';
import { ErrorReply } from '../reply.ts';
import type { ListValue } from '../types.ts';
import { Deque } from './deque.ts';

export function newList(): ListValue {
  return { type: 'list', list: new Deque() };
}

/** The list at key for a push: created when missing (and `create`), WRONGTYPE for another type. */
export function listForPush(ctx: Context, key: string, create: boolean): ListValue | undefined | ErrorReply {
  const l = ctx.db.lookupTyped(key, 'list');
  if (l !== undefined || !create) return l;
  const created = newList();
  ctx.db.add(key, created);
  return created;
}

/** After removing elements: delete an emptied list, invalidate WATCH, count the change. */
export function listElementsRemoved(ctx: Context, key: string, l: ListValue, n: number): void {
  if (l.list.size === 0) ctx.db.delete(key);
  else ctx.db.touch(key);
  ctx.dirty(n);
}

export type End = 'left' | 'right';

export function pop(l: ListValue, end: End): string | undefined {
  return end === 'left' ? l.list.popFront() : l.list.popBack();
}

export function push(l: ListValue, end: End, v: string): void {
  if (end === 'left') l.list.pushFront(v);
  else l.list.pushBack(v);
}

/** LEFT | RIGHT, case-insensitive; null otherwise. */
export function parseEnd(s: string): End | null {
  const l = s.toLowerCase();
  return l === 'left' ? 'left' : l === 'right' ? 'right' : null;
}

/** Integer argument, or Redis's "not an integer" error. */
export function intArg(s: string): number | ErrorReply {
  const n = string2llNum(s);
  return n === null ? NOT_INTEGER : n;
}

/** LRANGE / LTRIM's start and stop arguments (argv[2], argv[3]). */
export function startStopArgs(argv: string[]): [number, number] | ErrorReply {
  const start = intArg(argv[2]);
  if (start instanceof ErrorReply) return start;
  const stop = intArg(argv[3]);
  return stop instanceof ErrorReply ? stop : [start, stop];
}

/** Blocking timeouts in seconds (getTimeoutFromObjectOrReply, UNIT_SECONDS): relative ms, 0 = forever. */
export function timeoutArg(s: string): number | ErrorReply {
  const d = parseDouble(s);
  if (d === null || !Number.isFinite(d)) return err('ERR timeout is not a float or out of range');
  const ms = Math.ceil(d * 1000);
  if (ms < 0) return err('ERR timeout is negative');
  return ms;
}

/** Normalise LRANGE/LTRIM style start/stop against a length; null when the range is empty. */
export function clampRange(start: number, stop: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (stop < 0) stop = len + stop;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return null;
  if (stop >= len) stop = len - 1;
  return [start, stop];
}

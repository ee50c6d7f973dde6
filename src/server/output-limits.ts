/**
 * Client output buffer limits, as Redis 7.0 has them (`client-output-buffer-limit`).
 *
 * Three classes, each a hard limit, a soft limit (bytes) and soft seconds;
 * 0 turns a limit off:
 *
 *   class    default               applies to
 *   -------  --------------------  ------------------------------------------
 *   normal   0 0 0                 clients not in subscribed mode
 *   slave    256mb 64mb 60         replicas (brook has none: setting only)
 *   pubsub   32mb 8mb 60           clients subscribed to a channel or pattern
 *
 * A client whose pending output reaches the hard limit is closed at once;
 * one whose pending output stays at or over the soft limit for more than the
 * soft seconds is closed then. "Pending output" is what the server holds and
 * the kernel has not yet taken (see Connection.outputBytes); like Redis,
 * the kernel's socket buffers are not counted.
 *
 * The setting is kept per engine. Its CONFIG GET text and CONFIG SET parsing
 * (memtoull units, strtoll seconds cast to int, errors) copy Redis 7.0's
 * config.c byte for byte, checked against redis-server.
 */
import { clientLine } from '../engine/commands/client.ts';
import type { EngineConfig } from '../engine/config.ts';
import { err } from '../engine/errors.ts';
import type { Session } from '../engine/session.ts';

export const OUTPUT_LIMIT_CONFIG = 'client-output-buffer-limit';

export type LimitClass = 'normal' | 'slave' | 'pubsub';

export interface ClassLimit {
  /** Bytes; 0 = no hard limit. Unsigned 64-bit as in Redis. */
  hard: bigint;
  /** Bytes; 0 = no soft limit. */
  soft: bigint;
  /** How long the soft limit may be exceeded, in seconds (a C int, >= 0). */
  softSeconds: number;
}

export type OutputLimits = Readonly<Record<LimitClass, ClassLimit>>;

const MB = 1024n * 1024n;

/** Redis's defaults: `normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60`. */
export const DEFAULT_OUTPUT_LIMITS: OutputLimits = {
  normal: { hard: 0n, soft: 0n, softSeconds: 0 },
  slave: { hard: 256n * MB, soft: 64n * MB, softSeconds: 60 },
  pubsub: { hard: 32n * MB, soft: 8n * MB, softSeconds: 60 },
};

const CLASS_ORDER: LimitClass[] = ['normal', 'slave', 'pubsub'];

/** CONFIG GET's text: every class, in Redis's order and spelling. */
export function formatOutputLimits(l: OutputLimits): string {
  return CLASS_ORDER.map((c) => `${c} ${l[c].hard} ${l[c].soft} ${l[c].softSeconds}`).join(' ');
}

const WRONG_ARGS = 'Wrong number of arguments in buffer limit configuration.';
const BAD_CLASS = 'Invalid client class specified in buffer limit configuration.';
const BAD_VALUE = 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';

/**
 * Parse a CONFIG SET value, "<class> <hard> <soft> <seconds>" repeated, over
 * `current` (classes not named keep their limits). Split on single spaces
 * as Redis does (two spaces make an empty field). Returns the new limits,
 * or Redis's error text; a bad class anywhere refuses the whole value.
 */
export function parseOutputLimits(value: string, current: OutputLimits): OutputLimits | string {
  const args = value === '' ? [] : value.split(' ');
  if (args.length % 4 !== 0) return WRONG_ARGS;
  const next: Record<LimitClass, ClassLimit> = { ...current };
  for (let j = 0; j < args.length; j += 4) {
    const cls = classByName(args[j]);
    if (cls === null) return BAD_CLASS;
    const hard = memtoull(args[j + 1]);
    const soft = memtoull(args[j + 2]);
    const softSeconds = strtollToInt(args[j + 3]);
    if (hard === null || soft === null || softSeconds === null || softSeconds < 0) return BAD_VALUE;
    next[cls] = { hard, soft, softSeconds };
  }
  return next;
}

/** C functions see a string up to its first NUL byte. */
const cString = (s: string): string => s.split('\0', 1)[0];

/** getClientTypeByName, minus "master" (which has no limits of its own). */
function classByName(name: string): LimitClass | null {
  switch (cString(name).toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'slave';
    case 'pubsub':
      return 'pubsub';
    default:
      return null;
  }
}

const U64 = (1n << 64n) - 1n;
const UNITS = new Map<string, bigint>([
  ['', 1n], ['b', 1n], ['k', 1000n], ['kb', 1024n], ['m', 1000n ** 2n], ['mb', 1024n ** 2n], ['g', 1000n ** 3n], ['gb', 1024n ** 3n],
]);

/**
 * Redis's memtoull: ASCII digits (possibly none, meaning 0), then an optional
 * unit, case-insensitive. Too many digits saturate at 2^64-1 (strtoull) and
 * the unit multiplies modulo 2^64, as the C code does. null when invalid.
 */
export function memtoull(s: string): bigint | null {
  const m = /^([0-9]*)([^]*)$/.exec(cString(s))!;
  const mul = UNITS.get(m[2].toLowerCase());
  if (mul === undefined || m[1].length >= 128) return null;
  const n = m[1] === '' ? 0n : BigInt(m[1]);
  return ((n > U64 ? U64 : n) * mul) & U64;
}

const I64_MAX = (1n << 63n) - 1n;

/**
 * `int x = strtoll(s, &end, 10)` with `*end == '\0'` required: leading C
 * whitespace and a sign allowed, saturated to 64 bits, then truncated to a
 * 32-bit int. No digits parse as 0 only when nothing else is there.
 */
function strtollToInt(raw: string): number | null {
  const s = cString(raw);
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return s === '' ? 0 : null;
  let n = BigInt(m[2]);
  if (m[1] === '-') n = n > I64_MAX + 1n ? -(I64_MAX + 1n) : -n;
  else if (n > I64_MAX) n = I64_MAX;
  return Number(BigInt.asIntN(32, n));
}

/** The limits of one engine, read by its connections. */
export interface OutputLimitsSetting {
  readonly current: OutputLimits;
}

const settings = new WeakMap<EngineConfig, { current: OutputLimits }>();

/**
 * Add `client-output-buffer-limit` to an engine's CONFIG GET/SET (the
 * setting belongs to the server, so the server adds it to the engine it
 * serves). Idempotent: a second server on the same engine shares it.
 */
export function installOutputLimits(config: EngineConfig): OutputLimitsSetting {
  const existing = settings.get(config);
  if (existing) return existing;
  const setting = { current: DEFAULT_OUTPUT_LIMITS };
  settings.set(config, setting);
  const names = config.names.bind(config);
  const get = config.get.bind(config);
  const set = config.set.bind(config);
  config.names = () => [...names(), OUTPUT_LIMIT_CONFIG];
  config.get = (name) => (name.toLowerCase() === OUTPUT_LIMIT_CONFIG ? formatOutputLimits(setting.current) : get(name));
  config.set = (name, value) => {
    if (name.toLowerCase() !== OUTPUT_LIMIT_CONFIG) return set(name, value);
    const parsed = parseOutputLimits(value, setting.current);
    if (typeof parsed === 'string') return err(`ERR CONFIG SET failed (possibly related to argument '${OUTPUT_LIMIT_CONFIG}') - ${parsed}`);
    setting.current = parsed;
    return null;
  };
  return setting;
}

/** Which class a client is in now: pubsub while it has subscriptions (Redis's CLIENT_PUBSUB flag). */
export function limitClassOf(s: Session): LimitClass {
  return s.channels.size > 0 || s.patterns.size > 0 ? 'pubsub' : 'normal';
}

/** Per-connection soft-limit clock. */
export interface SoftLimitClock {
  /** When pending output was first seen at or over the soft limit (ms), or undefined. */
  softSince: number | undefined;
}

/**
 * checkClientOutputBufferLimits: `used` bytes pending against `limit`.
 * Returns 'hard' or 'soft' when the client must be closed, else null.
 * Starts, keeps or clears `clock.softSince`. The soft limit must be held
 * for more than softSeconds (Redis counts whole seconds; brook ms).
 */
export function overOutputLimit(limit: ClassLimit, used: number, clock: SoftLimitClock, now: number): 'hard' | 'soft' | null {
  if (limit.hard !== 0n && used >= Number(limit.hard)) return 'hard';
  if (limit.soft === 0n || used < Number(limit.soft)) {
    clock.softSince = undefined;
    return null;
  }
  if (clock.softSince === undefined) {
    clock.softSince = now;
    return null;
  }
  return now - clock.softSince > limit.softSeconds * 1000 ? 'soft' : null;
}

/** Redis's log line for a client closed by its output buffer limit. */
export function outputLimitLogLine(s: Session, now: number): string {
  return `Client ${clientLine(s, now)} closed for overcoming of output buffer limits.`;
}

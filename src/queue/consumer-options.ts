/**
 * A consumer's options: what each means, its default, and the checks that
 * turn a bad value into a clear error when the consumer is made.
 */
import { hostname } from 'node:os';
import type { Connection } from '../client/connection.ts';
import { badOption } from './errors.ts';

export interface ConsumerOptions {
  connection: Connection;
  /** Consumer group name. */
  group: string;
  /** This consumer's name. @defaultValue `<hostname>-<pid>-<random>` */
  name?: string;
  /**
   * Handlers running at once. @defaultValue 1
   */
  concurrency?: number;
  /**
   * Messages taken beyond those running: read ahead and waiting for a
   * handler slot, or handled and waiting for their ack. At most
   * `concurrency + prefetch` messages are pending on this consumer; with 0
   * the next read waits until fewer than `concurrency` are (acks included),
   * so other consumers get what this one is not running. @defaultValue concurrency
   */
  prefetch?: number;
  /** Deliveries before a failing message is dead-lettered. @defaultValue 5 */
  maxDeliveries?: number;
  /** First retry delay (ms); doubles each time. @defaultValue 100 */
  backoffMs?: number;
  /** Longest retry delay (ms). @defaultValue 30_000 */
  maxBackoffMs?: number;
  /** Randomise delays by up to this fraction (0..1). @defaultValue 0.2 */
  jitter?: number;
  /** A message pending this long on another consumer is taken over (ms). @defaultValue 30_000 */
  claimIdleMs?: number;
  /** Heartbeat for in-flight messages (ms). @defaultValue claimIdleMs / 3 */
  heartbeatMs?: number;
  /** BLOCK time of each read (ms); bounds how long stop() or a dead link can go unnoticed. @defaultValue 1000 */
  blockMs?: number;
  /** PEL scan period (ms). @defaultValue 250 */
  scanIntervalMs?: number;
  /** Where a new group starts: '$' (new messages) or '0' (everything). @defaultValue '0' */
  startId?: '$' | '0';
  /**
   * 'shared': every consumer reads every partition, `concurrency` messages at
   * once. 'ordered': each partition is leased to one consumer of the group at
   * a time and its messages are handled one by one in order (per-key order);
   * `concurrency` does not apply, the partitions held run in parallel.
   * @defaultValue 'shared'
   */
  mode?: 'shared' | 'ordered';
  /** Ordered mode: a crashed consumer's partitions move to others after this long (ms). @defaultValue 10_000 */
  leaseMs?: number;
  /**
   * Members of the group with nothing pending and idle this long (ms) are
   * removed from its list (XGROUP DELCONSUMER), checked every half of this
   * time, at most once a minute:
   * consumers that came and went do not pile up. One with pending entries is
   * kept until others reclaim them. 0 keeps every name. @defaultValue 3_600_000
   */
  forgetIdleConsumersMs?: number;
}

export type Resolved = Required<ConsumerOptions>;

export function withDefaults(o: ConsumerOptions): Resolved {
  if (!o?.connection) badOption('Consumer needs a connection');
  if (!o.group) badOption('Consumer needs a group name');
  const claimIdleMs = o.claimIdleMs ?? 30_000;
  const r: Resolved = {
    connection: o.connection,
    group: o.group,
    name: o.name ?? `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    concurrency: o.concurrency ?? 1,
    prefetch: o.prefetch ?? o.concurrency ?? 1,
    maxDeliveries: o.maxDeliveries ?? 5,
    backoffMs: o.backoffMs ?? 100,
    maxBackoffMs: o.maxBackoffMs ?? 30_000,
    jitter: o.jitter ?? 0.2,
    claimIdleMs,
    heartbeatMs: o.heartbeatMs ?? Math.max(1, Math.floor(claimIdleMs / 3)),
    blockMs: o.blockMs ?? 1000,
    scanIntervalMs: o.scanIntervalMs ?? 250,
    startId: o.startId ?? '0',
    mode: o.mode ?? 'shared',
    leaseMs: o.leaseMs ?? 10_000,
    forgetIdleConsumersMs: o.forgetIdleConsumersMs ?? 3_600_000,
  };
  // Counts and times (ms) go to Redis as integers (BLOCK 1.5 is an error there).
  const int = (name: keyof Resolved, min: number) => {
    const v = r[name] as number;
    if (!Number.isInteger(v) || v < min) badOption(`${name} must be a whole number >= ${min}, got ${String(v)}`);
  };
  int('concurrency', 1);
  int('prefetch', 0);
  int('maxDeliveries', 1);
  int('backoffMs', 0);
  int('maxBackoffMs', 0);
  int('claimIdleMs', 1);
  int('heartbeatMs', 1);
  int('blockMs', 1);
  int('scanIntervalMs', 1);
  int('leaseMs', 3);
  int('forgetIdleConsumersMs', 0);
  if (r.mode !== 'shared' && r.mode !== 'ordered') badOption(`mode must be 'shared' or 'ordered', got ${String(r.mode)}`);
  if (!(r.jitter >= 0 && r.jitter <= 1)) badOption(`jitter must be 0..1, got ${r.jitter}`);
  if (r.heartbeatMs >= r.claimIdleMs) badOption(`heartbeatMs (${r.heartbeatMs}) must be below claimIdleMs (${r.claimIdleMs})`);
  if (r.startId !== '$' && r.startId !== '0') badOption(`startId must be '$' or '0'`);
  return r;
}

/**
 * The port: everything above the engine speaks Redis commands through this
 * one interface, whatever stands behind it (the embedded engine, a Redis or
 * Valkey server, Sentinel, Cluster, brook server).
 *
 * Replies have one shape on every backend (RESP2's, as ioredis gives it):
 * bulk and status strings as JS strings (UTF-8 decoded), integers as
 * numbers, nil as null, arrays as arrays (maps flattened), and error
 * replies as a rejected promise with a RedisReplyError.
 */
import type { Script } from './script.ts';

export type Arg = string | number | Buffer;
export type Reply = string | number | null | Reply[];

/**
 * How long past its BLOCK time a blocking read may go without a reply before
 * its link is taken for dead. Redis answers `BLOCK n` within about n ms;
 * silence well past that means a half-open connection (a lost route, a
 * frozen host or NAT entry) that TCP alone would not report for many minutes.
 */
export const BLOCK_GRACE_MS = 1000;

/** What a backend can do; checked once per connection. */
export interface Features {
  /** The server's redis_version ("7.0.15" for the engine and brook server). */
  readonly version: string;
  /** Lua scripting (EVAL/EVALSHA). */
  readonly scripting: boolean;
  /** Redis 8.2+: XACKDEL / XDELEX and trimming options that respect groups. */
  readonly xackdel: boolean;
  /** Redis 8.4+: XREADGROUP ... CLAIM. */
  readonly readgroupClaim: boolean;
  /** Cluster: keys of one command must share a hash slot. */
  readonly cluster: boolean;
  /**
   * brook's own engine, in this process or as brook server (its INFO has
   * brook_version): its Lua runs in JavaScript, so a script call costs far
   * more than the commands it runs, the reverse of Redis (a batch of sends
   * is a pipeline there, one script call on Redis).
   */
  readonly engine: boolean;
}

export interface Connection {
  readonly features: Features;

  /**
   * Send one command. Resolves with its reply; rejects with RedisReplyError
   * for an error reply, BrookClientError(CLOSED) after close(). A blocking
   * command (XREADGROUP BLOCK) holds this connection: use duplicate() for it.
   */
  send(args: Arg[]): Promise<Reply>;

  /**
   * Send several commands in one round trip, in order. Each element is the
   * reply or the RedisReplyError of that command; the batch is not atomic.
   */
  pipeline(commands: Arg[][]): Promise<Array<Reply | RedisReplyErrorLike>>;

  /** A new connection to the same backend (for blocking reads and subscriptions). */
  duplicate(): Promise<Connection>;

  /**
   * Run a Lua script: EVALSHA, and on NOSCRIPT load it with EVAL once.
   * Every key in `keys` must share one hash tag on Cluster.
   */
  script(script: Script, keys: string[], args: Arg[]): Promise<Reply>;

  /**
   * Every key matching `match` (a SCAN glob), of `type` if given, through
   * the whole keyspace: on a Cluster every master's (a plain SCAN covers one
   * node). A key may come more than once, as with SCAN; for listings.
   */
  scan(match: string, type?: string): AsyncIterable<string>;

  /**
   * Subscribe to a pub/sub channel on a dedicated connection. Resolves once
   * subscribed, with a function that unsubscribes (idempotent).
   */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;

  /**
   * Close. Idempotent. Pending commands reject with CLOSED; a blocked
   * command on this connection is cancelled.
   */
  close(): Promise<void>;
}

/** An error reply inside a pipeline's results. */
export interface RedisReplyErrorLike extends Error {
  readonly redisCode: string;
}

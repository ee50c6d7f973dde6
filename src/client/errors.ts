/**
 * Errors of the client port: one base class with a `code` from a const
 * table, `cause` set, and guards.
 */
export const ClientErrorCode = {
  /** The server answered with an error reply; `redisCode` has its code word (WRONGTYPE, NOGROUP, ...). */
  Reply: 'REPLY',
  /** The URL could not be understood. */
  BadUrl: 'BAD_URL',
  /** The server could not be reached (or refused the password or the TLS handshake) within connectTimeoutMs. */
  Connect: 'CONNECT',
  /** The connection is closed. */
  Closed: 'CLOSED',
  /** The backend cannot do this (see Connection.features). */
  Unsupported: 'UNSUPPORTED',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export class BrookClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BrookClientError';
  }
}

/** An error reply from Redis or the engine, e.g. "NOGROUP No such key ...". */
export class RedisReplyError extends BrookClientError {
  /** The code word: the first word of the message (ERR, WRONGTYPE, NOGROUP, BUSYGROUP, NOSCRIPT...). */
  readonly redisCode: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ClientErrorCode.Reply, message, options);
    this.name = 'RedisReplyError';
    const sp = message.indexOf(' ');
    this.redisCode = sp < 0 ? message : message.slice(0, sp);
  }
}

export function isRedisReplyError(e: unknown, redisCode?: string): e is RedisReplyError {
  return e instanceof RedisReplyError && (redisCode === undefined || e.redisCode === redisCode);
}

/**
 * Replies, shaped as Redis shapes them.
 *
 * The engine answers every command with a `Reply`. The shapes mirror the
 * RESP3 type system so that one reply can be encoded as RESP2 or RESP3 the
 * way Redis does (`addReplyMapLen` becomes a flat array in RESP2, a double
 * becomes a bulk string, and so on):
 *
 *   JS value          RESP2                 RESP3
 *   ---------------   -------------------   -------------------
 *   string            $<len> bulk string    $ bulk string
 *   null              $-1                   _
 *   NULL_ARRAY        *-1                   _
 *   number | bigint   :<int>                :<int>
 *   Reply[]           *<n> array            *<n> array
 *   SimpleString      +OK                   +OK
 *   ErrorReply        -ERR ...              -ERR ...
 *   MapReply          *<2n> flat array      %<n> map
 *   PairsReply        *<2n> flat array      *<n> array of 2-arrays
 *   SetReply          *<n> array            ~<n> set
 *   DoubleReply       $ bulk "3.5"          ,3.5
 *   PushReply         *<n> array            ><n> push
 *
 * Bulk strings are *binary strings*: one JS char per byte (latin1), so byte
 * lengths and byte-exact values survive. See bytes.ts for conversions.
 */

export class SimpleString {
  constructor(readonly value: string) {}
}

/** An error reply; `message` starts with Redis's code word, e.g. "ERR syntax error". */
export class ErrorReply {
  constructor(readonly message: string) {}
  /** The code word: "ERR", "WRONGTYPE", "NOGROUP", ... */
  get code(): string {
    const sp = this.message.indexOf(' ');
    return sp < 0 ? this.message : this.message.slice(0, sp);
  }
}

/**
 * A map reply; `entries` is flat: key, value, key, value, ... In RESP2 it
 * is a flat array, or, with `resp2Pairs`, an array of [key, value] arrays
 * (the shape XREAD uses).
 */
export class MapReply {
  constructor(
    readonly entries: Reply[],
    readonly resp2Pairs = false,
  ) {}
}

/**
 * Pairs that RESP3 nests: member, score, member, score, ... flat. RESP2
 * (and scripts in RESP2) get a flat array, RESP3 an array of [member, score]
 * arrays: ZRANGE ... WITHSCORES and ZPOPMIN with a count, as in Redis 7.0.
 */
export class PairsReply {
  constructor(readonly entries: Reply[]) {}
}

export class SetReply {
  constructor(readonly items: Reply[]) {}
}

/** A floating point reply; RESP2 sends it as a bulk string formatted like Redis. */
export class DoubleReply {
  constructor(readonly value: number) {}
}

/** An out-of-band push (pub/sub message, invalidation). RESP2 sends a plain array. */
export class PushReply {
  constructor(readonly items: Reply[]) {}
}

/** The null array (`*-1` in RESP2), as distinct from the null bulk string. */
export const NULL_ARRAY: unique symbol = Symbol('NULL_ARRAY');

export type Reply =
  | null
  | typeof NULL_ARRAY
  | string
  | number
  | bigint
  | Reply[]
  | SimpleString
  | ErrorReply
  | MapReply
  | PairsReply
  | SetReply
  | DoubleReply
  | PushReply;

export const OK = new SimpleString('OK');
export const QUEUED = new SimpleString('QUEUED');
export const PONG = new SimpleString('PONG');

export function isError(r: Reply): r is ErrorReply {
  return r instanceof ErrorReply;
}

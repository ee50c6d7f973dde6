/**
 * How a message is laid out in a stream entry: field `p` holds the JSON
 * payload, `k` the message key, `h` the JSON headers. Dead letters add the
 * fields that say why (see dead-letters.ts).
 */
export interface Message<T> {
  /** Stream entry ID. */
  readonly id: string;
  readonly topic: string;
  readonly partition: number;
  readonly key?: string;
  readonly payload: T;
  readonly headers: Readonly<Record<string, string>>;
  /** 1 on first delivery. */
  readonly deliveries: number;
}

/** What a consumer runs for each message (Consumer.run); a throw or a rejection fails the delivery. */
export type Handler<T> = (message: Message<T>) => Promise<void> | void;

/**
 * The fields of a message, appended to `into` (a command being built) or to
 * a new array. Throws a TypeError for a payload that is not JSON
 * (undefined, a function, a symbol, a BigInt, a cycle).
 */
export function encodeFields<A extends unknown[] = string[]>(payload: unknown, key?: string, headers?: Record<string, string>, into?: A): A {
  const f = (into ?? []) as unknown[];
  f.push('p', payloadJson(payload));
  if (key !== undefined) f.push('k', key);
  if (headers !== undefined && Object.keys(headers).length > 0) f.push('h', JSON.stringify(headers));
  return f as A;
}

function payloadJson(payload: unknown): string {
  const text = JSON.stringify(payload); // a BigInt or a cycle: JSON's own TypeError
  if (text === undefined) throw new TypeError(`the payload cannot be sent as JSON: it is ${typeof payload}`);
  return text;
}

export interface RawFields {
  readonly payloadText?: string;
  readonly key?: string;
  readonly headers: Record<string, string>;
  readonly all: Record<string, string>;
}

/** The headers of a message that has none: one frozen object, not a new one per message. */
const NO_HEADERS: Record<string, string> = Object.freeze({});

export function decodeFields(fields: string[]): RawFields {
  let payloadText: string | undefined;
  let key: string | undefined;
  let headersText: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const f = fields[i];
    if (f === 'p') payloadText = fields[i + 1];
    else if (f === 'k') key = fields[i + 1];
    else if (f === 'h') headersText = fields[i + 1];
  }
  let headers: Record<string, string> = NO_HEADERS;
  if (headersText !== undefined) {
    try {
      headers = JSON.parse(headersText) as Record<string, string>;
    } catch {
      headers = NO_HEADERS;
    }
  }
  return new Fields(fields, payloadText, key, headers);
}

/** decodeFields' result: a class, so no getter closure is made per message. */
class Fields implements RawFields {
  constructor(
    private readonly fields: string[],
    readonly payloadText: string | undefined,
    readonly key: string | undefined,
    readonly headers: Record<string, string>,
  ) {}

  /** Every field by name, built only when asked (dead letters carry more fields). */
  get all(): Record<string, string> {
    const all: Record<string, string> = {};
    for (let i = 0; i + 1 < this.fields.length; i += 2) all[this.fields[i]] = this.fields[i + 1];
    return all;
  }
}

/**
 * RESP2 / RESP3 encoding of engine replies, byte-compatible with Redis 7.0
 * (see the table in engine/reply.ts). Bulk strings are binary strings, so
 * the whole reply is built as one latin1 string and converted once.
 */
import {
  DoubleReply,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  OK,
  PairsReply,
  PushReply,
  SetReply,
  SimpleString,
  type Reply,
} from '../engine/reply.ts';
import { formatDouble17g } from '../engine/numbers.ts';

/** Encode a reply as a binary (latin1) string. */
export function encodeReply(r: Reply, resp: 2 | 3): string {
  if (typeof r === 'string') return `$${r.length}\r\n${r}\r\n`;
  if (r === OK) return '+OK\r\n';
  if (typeof r === 'number') return `:${r}\r\n`;
  if (r === null) return resp === 3 ? '_\r\n' : '$-1\r\n';
  if (Array.isArray(r)) return encodeArray('*', r, resp);
  if (typeof r === 'bigint') return `:${r}\r\n`;
  if (r === NULL_ARRAY) return resp === 3 ? '_\r\n' : '*-1\r\n';
  if (r instanceof SimpleString) return `+${r.value}\r\n`;
  if (r instanceof ErrorReply) return `-${r.message}\r\n`;
  if (r instanceof MapReply) {
    if (resp === 2) {
      if (!r.resp2Pairs) return encodeArray('*', r.entries, resp);
      let out = `*${r.entries.length / 2}\r\n`;
      for (let i = 0; i < r.entries.length; i += 2) {
        out += '*2\r\n' + encodeReply(r.entries[i], resp) + encodeReply(r.entries[i + 1], resp);
      }
      return out;
    }
    let out = `%${r.entries.length / 2}\r\n`;
    for (const e of r.entries) out += encodeReply(e, resp);
    return out;
  }
  if (r instanceof PairsReply) {
    if (resp === 2) return encodeArray('*', r.entries, resp);
    let out = `*${r.entries.length / 2}\r\n`;
    for (let i = 0; i < r.entries.length; i += 2) out += '*2\r\n' + encodeReply(r.entries[i], resp) + encodeReply(r.entries[i + 1], resp);
    return out;
  }
  if (r instanceof SetReply) return encodeArray(resp === 3 ? '~' : '*', r.items, resp);
  if (r instanceof PushReply) return encodeArray(resp === 3 ? '>' : '*', r.items, resp);
  if (r instanceof DoubleReply) {
    const s = formatDouble17g(r.value);
    return resp === 3 ? `,${s}\r\n` : `$${s.length}\r\n${s}\r\n`;
  }
  throw new TypeError(`not a reply: ${String(r)}`);
}

function encodeArray(prefix: string, items: Reply[], resp: 2 | 3): string {
  let out = `${prefix}${items.length}\r\n`;
  for (const i of items) out += encodeReply(i, resp);
  return out;
}

export function encodeReplyBuffer(r: Reply, resp: 2 | 3): Buffer {
  return Buffer.from(encodeReply(r, resp), 'latin1');
}

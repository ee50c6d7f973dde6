/**
 * The consumer's blocking read (shared mode): XREADGROUP > over every
 * partition of the topic, on a connection of its own so that BLOCK holds
 * up none of the consumer's other commands. On a cluster, where one read
 * cannot span slots, it reads each partition in turn (readAcrossSlots).
 */
import type { Arg, Connection } from '../client/connection.ts';
import { entriesOf } from './in-flight.ts';
import type { TakenEntry as Entry } from './ordered.ts';
import type { ConsumerParts } from './parts.ts';

/** Where COUNT's value sits in a read's arguments. */
const READ_COUNT_AT = 5;

export class Reader {
  /** The blocking read's own connection, from open() to close(). */
  private reader: Connection | null = null;
  private blockTurn = 0;
  /** The partition streams, and the blocking read's arguments with COUNT at READ_COUNT_AT (built once). */
  private keys: string[] = [];
  private readArgs: Arg[] = [];

  constructor(private readonly parts: ConsumerParts) {}

  /** Open the read's own connection, a duplicate of the consumer's (run() does, before the first read). */
  async open(): Promise<void> {
    this.reader = await this.parts.conn.duplicate();
  }

  /** The read's own connection (open() first): acks sent on it just before a read leave in the read's write. */
  get connection(): Connection {
    if (this.reader === null) throw new Error('the reader is not open');
    return this.reader;
  }

  async close(): Promise<void> {
    await this.reader?.close();
    this.reader = null;
  }

  /** Up to `count` new entries of any partition; waits up to blockMs for one. */
  async read(count: number): Promise<Entry[]> {
    const { conn, topic, options: o } = this.parts;
    if (this.readArgs.length === 0) {
      this.keys = Array.from({ length: topic.partitions }, (_, p) => topic.stream(p));
      this.readArgs = ['XREADGROUP', 'GROUP', o.group, o.name, 'COUNT', 0, 'BLOCK', o.blockMs, 'STREAMS', ...this.keys, ...this.keys.map(() => '>')];
    }
    const keys = this.keys;
    if (conn.features.cluster && keys.length > 1) return this.readAcrossSlots(keys, ['XREADGROUP', 'GROUP', o.group, o.name, 'COUNT', count]);
    const args = this.readArgs.slice(); // a fresh array: a backend may keep the one it gets
    args[READ_COUNT_AT] = count;
    return entriesOf(await this.reader!.send(args), keys);
  }

  /**
   * Cluster: one XREADGROUP cannot span slots. Read every partition without
   * blocking (one pipeline, split by slot), and when all are empty block on
   * one partition in turn for a short while (at most 100 ms).
   */
  private async readAcrossSlots(keys: string[], group: Arg[]): Promise<Entry[]> {
    const replies = await this.parts.conn.pipeline(keys.map((k) => [...group, 'STREAMS', k, '>']));
    const out: Entry[] = [];
    for (const r of replies) {
      if (r instanceof Error) throw r;
      out.push(...entriesOf(r, keys));
    }
    if (out.length > 0) return out;
    const k = keys[this.blockTurn++ % keys.length];
    return entriesOf(await this.reader!.send([...group, 'BLOCK', Math.min(this.parts.options.blockMs, 100), 'STREAMS', k, '>']), keys);
  }
}

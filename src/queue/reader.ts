/**
 * The consumer's blocking read (shared mode): XREADGROUP > over every
 * partition of the topic, on a connection of its own so that BLOCK holds
 * up none of the consumer's other commands. On a cluster, where one read
 * cannot span slots, each partition is read on its own (slot-reads.ts),
 * and this connection carries the reads that do not block.
 */
import type { Arg, Connection } from '../client/connection.ts';
import { entriesOf } from './in-flight.ts';
import type { TakenEntry as Entry } from './ordered.ts';
import type { ConsumerParts } from './parts.ts';
import { SlotReads } from './slot-reads.ts';

/** Where COUNT's value sits in a read's arguments. */
const READ_COUNT_AT = 5;

export class Reader {
  /** The blocking read's own connection, from open() to close(). */
  private reader: Connection | null = null;
  /** On a cluster: a read per partition (the non-blocking ones on `reader`, with the acks). */
  private slots: SlotReads | null = null;
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

  /**
   * Once no read is out, what reads brought that read() has not returned
   * (on a cluster, blocking reads of other partitions may still be out when
   * the consumer stops: it handles what they bring).
   */
  async settle(): Promise<Entry[]> {
    return this.slots === null ? [] : this.slots.settle();
  }

  async close(): Promise<void> {
    await Promise.all([this.reader?.close(), this.slots?.close()]);
    this.reader = null;
    this.slots = null;
  }

  /** Up to `count` new entries of any partition; waits up to blockMs for one. */
  async read(count: number): Promise<Entry[]> {
    const { conn, topic, options: o } = this.parts;
    if (this.readArgs.length === 0) {
      this.keys = Array.from({ length: topic.partitions }, (_, p) => topic.stream(p));
      this.readArgs = ['XREADGROUP', 'GROUP', o.group, o.name, 'COUNT', 0, 'BLOCK', o.blockMs, 'STREAMS', ...this.keys, ...this.keys.map(() => '>')];
    }
    const keys = this.keys;
    if (conn.features.cluster) return (this.slots ??= new SlotReads(this.parts, this.reader!, keys)).read(count);
    const args = this.readArgs.slice(); // a fresh array: a backend may keep the one it gets
    args[READ_COUNT_AT] = count;
    return entriesOf(await this.reader!.send(args), keys);
  }
}

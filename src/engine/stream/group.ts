/**
 * Consumer groups, consumers and the pending entries list (PEL).
 * Owned by the consumer-groups work; this is the shape the stream type holds.
 */
import type { StreamId } from './id.ts';

export interface ConsumerGroup {
  readonly name: string;
  lastId: StreamId;
  /** entries_read; -1 when unknown (Redis's SCG_INVALID_ENTRIES_READ). */
  entriesRead: bigint;
}

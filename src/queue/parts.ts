/**
 * What the pieces of a shared-mode consumer (reader.ts, acks.ts,
 * handling.ts, pel-scan.ts) have in common: made once by the Consumer and
 * handed to each of them.
 */
import type { Connection } from '../client/connection.ts';
import type { Resolved } from './consumer-options.ts';
import type { ConsumerEvent, EventChannel } from './events.ts';
import type { InFlight } from './in-flight.ts';
import type { Topic } from './topic.ts';

export interface ConsumerParts<T = unknown> {
  /** The consumer's connection (the blocking read has one of its own). */
  readonly conn: Connection;
  readonly topic: Topic<T>;
  readonly options: Resolved;
  readonly events: EventChannel<ConsumerEvent>;
  /** Entries taken and not yet settled (handler running, or its ack on the way). */
  readonly inFlight: InFlight;
}

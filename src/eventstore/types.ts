/** What the event store stores and returns. */

/** An event to append. `id` makes the append idempotent (a UUID when omitted). */
export interface EventData<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  id?: string;
  /** Free-form metadata, kept with the event. */
  metadata?: Record<string, unknown>;
  correlationId?: string;
  causationId?: string;
  /** The data's schema version, for upcasters. @defaultValue 1 */
  schemaVersion?: number;
}

/** Where an event sits in the global log: its partition and the log entry's ID. */
export interface Position {
  partition: number;
  logId: string;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  stream: string;
  /** 1 for the stream's first event, without gaps. */
  version: number;
  id: string;
  type: Type;
  data: Data;
  metadata: Record<string, unknown>;
  correlationId?: string;
  causationId?: string;
  schemaVersion: number;
  /** Milliseconds since the epoch, from the server's clock at append. */
  timestamp: number;
  position: Position;
}

/**
 * 'any': no check. 'no-stream': the stream has no events yet. 'exists': it
 * has at least one. A number: the stream's current version (0 = no events).
 */
export type ExpectedVersion = number | 'any' | 'no-stream' | 'exists';

export interface AppendResult {
  /** The stream's version after the append. */
  version: number;
  /** Positions of the appended events, in order. */
  positions: Position[];
  /** True when every event id was already stored: nothing was written. */
  duplicate: boolean;
}

/** A global-log read position: per partition, the last log ID read ('0-0' for none). */
export type Checkpoint = Record<number, string>;

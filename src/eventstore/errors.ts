/** Event store errors: one base class with a code, and the conflict error appends raise. */
export const EventStoreErrorCode = {
  /** An option or argument is missing or invalid. */
  BadArgument: 'BAD_ARGUMENT',
  /** The stream's version was not the expected one. */
  WrongExpectedVersion: 'WRONG_EXPECTED_VERSION',
  /** The stream was deleted; it takes no more events. */
  StreamDeleted: 'STREAM_DELETED',
  /** An append reused some event ids of an earlier append but not all of them. */
  IdempotencyMismatch: 'IDEMPOTENCY_MISMATCH',
  /** A command kept conflicting after every retry. */
  TooManyConflicts: 'TOO_MANY_CONFLICTS',
  /** Stopped subscription or closed store. */
  Stopped: 'STOPPED',
} as const;
export type EventStoreErrorCode = (typeof EventStoreErrorCode)[keyof typeof EventStoreErrorCode];

export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EventStoreError';
  }
}

/** The append's expected version did not hold; `actual` is the stream's version now. */
export class WrongExpectedVersionError extends EventStoreError {
  constructor(
    readonly stream: string,
    readonly expected: string | number,
    readonly actual: number,
  ) {
    super(EventStoreErrorCode.WrongExpectedVersion, `stream '${stream}': expected version ${expected}, actual ${actual}`);
    this.name = 'WrongExpectedVersionError';
  }
}

export function isEventStoreError(e: unknown, code?: EventStoreErrorCode): e is EventStoreError {
  return e instanceof EventStoreError && (code === undefined || e.code === code);
}

export function badArgument(message: string): never {
  throw new EventStoreError(EventStoreErrorCode.BadArgument, message);
}

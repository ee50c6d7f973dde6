/** Queue errors: one base class, a const table of codes, guards. */
export const QueueErrorCode = {
  /** An option is missing or out of range (raised at construction). */
  BadOption: 'BAD_OPTION',
  /** A payload failed the topic's schema on send. */
  InvalidPayload: 'INVALID_PAYLOAD',
  /** The consumer is stopped. */
  Stopped: 'STOPPED',
} as const;
export type QueueErrorCode = (typeof QueueErrorCode)[keyof typeof QueueErrorCode];

export class QueueError extends Error {
  constructor(
    readonly code: QueueErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QueueError';
  }
}

export function isQueueError(e: unknown, code?: QueueErrorCode): e is QueueError {
  return e instanceof QueueError && (code === undefined || e.code === code);
}

export function badOption(message: string): never {
  throw new QueueError(QueueErrorCode.BadOption, message);
}

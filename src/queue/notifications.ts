/**
 * Notifications: plain pub/sub fan-out for messages that need no
 * persistence (cache invalidation, "something changed" pings). Every
 * subscriber connected at the time of publish() gets the message; one that
 * is not connected never will. For anything that must not be lost, use a
 * topic and a consumer group instead.
 *
 *   const prices = new Notifications(conn, { name: 'prices', schema: Price });
 *   const stop = await prices.subscribe((n) => refresh(n.payload));
 *   await prices.publish({ sku: 'tea', cents: 250 });   // → receivers reached
 *
 * The channel is `<prefix>notify:<name>`; a message is JSON
 * `{"p": payload, "h": headers}`. The schema validates on publish (throws
 * INVALID_PAYLOAD) and on receive: a message that fails it, or is not
 * brook's JSON, is reported to `onInvalid` and not delivered.
 */
import type { Connection } from '../client/connection.ts';
import { badOption, QueueError, QueueErrorCode } from './errors.ts';
import { validate, type StandardSchemaV1 } from './standard-schema.ts';

export interface NotificationsOptions<T> {
  /** Channel name: letters, digits, and - _ . : only. */
  name: string;
  /** Validates payloads on publish and on receive (any Standard Schema). */
  schema?: StandardSchemaV1<unknown, T>;
  /** Key prefix. @defaultValue 'brook:' */
  prefix?: string;
  /** Called for a received message that is not brook's JSON or fails the schema. @defaultValue ignore it */
  onInvalid?: (raw: string, reason: string) => void;
  /** Called when a handler throws (there is no retry for pub/sub). @defaultValue ignore it */
  onError?: (error: unknown, n: Notification<T>) => void;
}

export interface Notification<T> {
  channel: string;
  payload: T;
  headers: Record<string, string>;
}

export class Notifications<T = unknown> {
  readonly channel: string;

  constructor(
    private readonly conn: Connection,
    private readonly options: NotificationsOptions<T>,
  ) {
    if (!conn) badOption('Notifications needs a connection');
    if (!/^[A-Za-z0-9._:-]+$/.test(options?.name ?? '')) badOption(`notification channel name '${options?.name}' must be letters, digits, '.', '_', ':' or '-'`);
    this.channel = `${options.prefix ?? 'brook:'}notify:${options.name}`;
  }

  /**
   * Publish to every subscriber connected now; resolves with how many
   * received it (on Redis Cluster: how many on the node that took the publish).
   */
  async publish(payload: T, headers: Record<string, string> = {}): Promise<number> {
    if (this.options.schema) {
      const r = await validate(this.options.schema, payload);
      if (!r.ok) throw new QueueError(QueueErrorCode.InvalidPayload, `payload does not match notifications '${this.options.name}': ${r.reason}`);
    }
    return (await this.conn.send(['PUBLISH', this.channel, JSON.stringify({ p: payload, h: headers })])) as number;
  }

  /**
   * Call `handler` for each message published from now on, one at a time in
   * publish order. Resolves once subscribed with a function that unsubscribes.
   */
  subscribe(handler: (n: Notification<T>) => void | Promise<void>): Promise<() => Promise<void>> {
    const invalid = this.options.onInvalid ?? (() => {});
    // Validation may be async: a chain keeps delivery in publish order.
    let chain = Promise.resolve();
    return this.conn.subscribe(this.channel, (raw) => {
      chain = chain.then(async () => {
        let msg: { p?: unknown; h?: unknown };
        try {
          msg = JSON.parse(raw);
        } catch {
          return invalid(raw, 'not JSON');
        }
        if (typeof msg !== 'object' || msg === null || !('p' in msg)) return invalid(raw, 'not a brook notification');
        let payload = msg.p;
        if (this.options.schema) {
          const r = await validate(this.options.schema, payload);
          if (!r.ok) return invalid(raw, r.reason);
          payload = r.value;
        }
        const headers = typeof msg.h === 'object' && msg.h !== null ? (msg.h as Record<string, string>) : {};
        const n: Notification<T> = { channel: this.channel, payload: payload as T, headers };
        try {
          await handler(n);
        } catch (e) {
          this.options.onError?.(e, n);
        }
      });
    });
  }
}

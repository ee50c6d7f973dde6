/**
 * Projections: read models built from events.
 *
 * - async: a Subscription named after the projection; its Redis writes
 *   (ctx.tx) and its checkpoint commit together.
 * - inline: run in the appending process right after each append, before
 *   append() resolves, so a caller that awaited the append reads its
 *   effect. Not atomic with the append (a crash between the two leaves the
 *   read model behind): pair it with rebuildProjection.
 * - rebuild: forget the checkpoint, reset the read model, replay from the
 *   start of the log.
 *
 * On Cluster, MULTI needs one slot: keep a projection's keys under the
 * checkpoint's hash tag (projectionKey gives such keys).
 */
import type { Connection } from '../client/connection.ts';
import type { EventStore } from './store.ts';
import { Subscription, type SubscribeOptions, type SubscriptionContext } from './subscription.ts';
import type { RecordedEvent } from './types.ts';

export interface Projection {
  name: string;
  /** One handler per event type; types without one are skipped. */
  handlers: Partial<Record<string, (event: RecordedEvent, ctx: SubscriptionContext) => void | Promise<void>>>;
  /** Delete the read model (called by rebuildProjection). */
  reset?(connection: Connection): Promise<void>;
}

/** A key for a projection's data, on the checkpoints' hash slot. */
export function projectionKey(store: EventStore, projection: string, ...parts: string[]): string {
  return store.keys.checkpoint(['p', projection, ...parts].join(':'));
}

function handlerOf(p: Projection) {
  return async (event: RecordedEvent, ctx: SubscriptionContext) => {
    const h = p.handlers[event.type];
    if (h) await h(event, ctx);
  };
}

export function runProjection(store: EventStore, p: Projection, options: Omit<SubscribeOptions, 'name' | 'handler'> = {}): Subscription {
  return new Subscription(store, { ...options, name: `projection:${p.name}`, handler: handlerOf(p) });
}

/** Reset the read model and its checkpoint, then replay everything (stop the running one first). */
export async function rebuildProjection(store: EventStore, p: Projection, options: Omit<SubscribeOptions, 'name' | 'handler' | 'from'> = {}): Promise<Subscription> {
  await store.connection.send(['DEL', store.keys.checkpoint(`projection:${p.name}`)]);
  await p.reset?.(store.connection);
  return runProjection(store, p, { ...options, from: 'start' });
}

/** Run `p` inline on every append through `store`. Returns a function that detaches it. */
export function inlineProjection(store: EventStore, p: Projection): () => void {
  const handle = handlerOf(p);
  return store.onAppended(async (events) => {
    const tx: SubscriptionContext['tx'] = [];
    for (const e of events) {
      const ctx: SubscriptionContext = { tx: [], connection: store.connection, attempt: 1 };
      await handle(e, ctx);
      tx.push(...ctx.tx);
    }
    if (tx.length === 0) return;
    const replies = await store.connection.pipeline([['MULTI'], ...tx, ['EXEC']]);
    const exec = replies[replies.length - 1];
    if (exec instanceof Error) throw exec;
  });
}

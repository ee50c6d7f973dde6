/**
 * Seed 000's EventSourcingSystem with brook's event store: record
 * USER_REGISTERED, USER_UPDATED and ORDER_CREATED for user_123, replay them,
 * and rebuild the user's state (also as it was after the first event).
 *
 *   npx tsx examples/event-sourcing.ts            # embedded engine
 *   BROOK_URL=redis://127.0.0.1:6379 npx tsx examples/event-sourcing.ts
 */
import { connect } from '../src/client/index.ts';
import { CommandHandler, EventStore, type Decider } from '../src/eventstore/index.ts';

type UserEvent =
  | { type: 'USER_REGISTERED'; data: { user_id: string; email: string } }
  | { type: 'USER_UPDATED'; data: { name?: string; email?: string } }
  | { type: 'ORDER_CREATED'; data: { order_id: string; amount: number } };
type UserCommand = { kind: 'register'; email: string } | { kind: 'update'; name?: string; email?: string } | { kind: 'order'; orderId: string; amount: number };
interface User {
  user_id?: string;
  email?: string;
  name?: string;
  orders: Array<{ order_id: string; amount: number }>;
}

const users: Decider<UserCommand, UserEvent, User> = {
  initialState: { orders: [] },
  decide(c, s) {
    if (c.kind === 'register') return s.user_id ? [] : [{ type: 'USER_REGISTERED', data: { user_id: 'user_123', email: c.email } }];
    if (!s.user_id) throw new Error('register the user first');
    if (c.kind === 'update') return [{ type: 'USER_UPDATED', data: { name: c.name, email: c.email } }];
    return [{ type: 'ORDER_CREATED', data: { order_id: c.orderId, amount: c.amount } }];
  },
  evolve(s, e) {
    switch (e.type) {
      case 'USER_REGISTERED':
        return { ...s, user_id: e.data.user_id, email: e.data.email };
      case 'USER_UPDATED':
        return { ...s, ...(e.data.email ? { email: e.data.email } : {}), ...(e.data.name ? { name: e.data.name } : {}) };
      case 'ORDER_CREATED':
        return { ...s, orders: [...s.orders, { order_id: e.data.order_id, amount: e.data.amount }] };
    }
  },
};

const conn = await connect(process.env.BROOK_URL || 'brook://memory');
const store = new EventStore({ connection: conn });
const handler = new CommandHandler(store, users);

// record_event: each command is decided against the current state and appended with its expected version.
await handler.handle('user_123', { kind: 'register', email: 'user@example.com' });
await handler.handle('user_123', { kind: 'update', name: '张三', email: 'new_email@example.com' });
await handler.handle('user_123', { kind: 'order', orderId: 'order_1001', amount: 299.99 });

// replay_events
for (const e of await store.readStream('user_123')) console.log(`v${e.version} ${e.type}`, JSON.stringify(e.data));

// rebuild_state, now and as of version 1
console.log('rebuilt state:', JSON.stringify((await handler.load('user_123')).state, null, 2));
console.log('state at v1:', JSON.stringify((await handler.load('user_123', { atVersion: 1 })).state));
await conn.close();

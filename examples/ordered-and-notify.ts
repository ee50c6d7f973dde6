/**
 * Per-key order and plain notifications with brook: two ordered-mode
 * consumers share a 4-partition topic (each partition is leased to one of
 * them), so each customer's events are handled in the order they were sent;
 * a Notifications channel tells every listener that work finished, without
 * keeping anything.
 *
 *   node --import tsx examples/ordered-and-notify.ts          # embedded engine
 *   BROOK_URL=redis://127.0.0.1:6379 node --import tsx examples/ordered-and-notify.ts
 */
import { connect } from '../src/client/index.ts';
import { Consumer, Notifications, Producer, topic } from '../src/queue/index.ts';

const conn = await connect(process.env.BROOK_URL || 'brook://memory');
const events = topic<{ customer: string; step: number }>({ name: 'customer_events', partitions: 4 });
const done = new Notifications<{ customer: string }>(conn, { name: 'customer_done' });
const stopListening = await done.subscribe((n) => console.log(`notified: ${n.payload.customer} finished`));

// Three steps for each of four customers; the key keeps a customer's steps on one partition.
const producer = new Producer(events, { connection: conn });
for (let step = 1; step <= 3; step++) {
  await producer.sendBatch(['ann', 'bob', 'cy', 'dee'].map((customer) => ({ payload: { customer, step }, key: customer })));
}

const seen = new Map<string, number[]>();
const workers = ['w1', 'w2'].map((name) => new Consumer(events, { connection: conn, group: 'billing', name, mode: 'ordered', leaseMs: 1000, blockMs: 100 }));
const running = workers.map((w) =>
  w.run(async (m) => {
    const steps = seen.get(m.payload.customer) ?? [];
    steps.push(m.payload.step);
    seen.set(m.payload.customer, steps);
    if (steps.length === 3) await done.publish({ customer: m.payload.customer });
  }),
);
while ([...seen.values()].flat().length < 12) await new Promise((r) => setTimeout(r, 20));
for (const w of workers) await w.stop();
await Promise.all(running);
for (const [customer, steps] of [...seen].sort()) console.log(`${customer}: steps ${steps.join(' -> ')}`);
await stopListening();
await conn.close();

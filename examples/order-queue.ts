/**
 * Seed 000's order_queue with brook: a producer sends orders (one, then a
 * batch), a consumer-group worker handles and acknowledges them, then the
 * stream and group state is shown and the stream trimmed by length and id.
 *
 *   npm start                                   # the embedded engine, no set-up
 *   BROOK_URL=redis://127.0.0.1:6379 npm start  # the same on a real Redis
 */
import * as v from 'valibot';
import { connect } from '../src/client/index.ts';
import { Consumer, Producer, topic } from '../src/queue/index.ts';

const conn = await connect(process.env.BROOK_URL || 'brook://memory');
const orders = topic({ name: 'order_queue', schema: v.object({ orderId: v.number(), item: v.string(), qty: v.number() }) });

// Producer: one message, then a batch in one round trip.
const producer = new Producer(orders, { connection: conn });
const first = await producer.send({ orderId: 1000, item: 'book', qty: 1 });
console.log(`produced order 1000 as ${first.id}`);
await producer.sendBatch([
  { payload: { orderId: 1001, item: 'lamp', qty: 2 } },
  { payload: { orderId: 1002, item: 'tea', qty: 3 } },
]);

// Consumer-group worker: handled messages are acknowledged; failures retried, then dead-lettered.
const worker = new Consumer(orders, { connection: conn, group: 'order_workers', name: 'worker-1', blockMs: 100 });
let handled = 0;
const running = worker.run(async (m) => {
  console.log(`worker-1 processed order ${m.payload.orderId}: ${m.payload.qty} x ${m.payload.item} (${m.id})`);
  if (++handled === 3) await worker.stop();
});
await running;

// Stream and group info.
const stream = orders.stream(0);
console.log('pending after ack:', ((await conn.send(['XPENDING', stream, 'order_workers'])) as unknown[])[0]);
const info = (await conn.send(['XINFO', 'STREAM', stream])) as Array<string | number>;
const field = (name: string) => info[info.indexOf(name) + 1];
console.log(`stream length ${field('length')}, groups ${field('groups')}, last id ${field('last-generated-id')}`);

// Trimming by length, then by id.
console.log('XTRIM MAXLEN 2 removed', await conn.send(['XTRIM', stream, 'MAXLEN', '2']));
console.log('XTRIM MINID', first.id, 'removed', await conn.send(['XTRIM', stream, 'MINID', first.id]));
await conn.close();

/**
 * Seed 000's order_queue example on brook's embedded engine: a producer adds
 * orders to a stream, a consumer group worker reads them, "processes" them
 * and acknowledges each one; then the group's state is shown.
 *
 *   npm start
 *
 * It uses the engine directly (Redis commands in, Redis replies out); the
 * typed Producer/Consumer API of brook/queue will wrap the same commands.
 */
import { Engine, MapReply, type Reply } from '../src/engine/index.ts';

const engine = new Engine();
const redis = engine.createSession();
const call = (...argv: string[]): Reply => redis.call(argv) as Reply;

// Producer: XADD order_queue * ...
for (const [i, item] of ['book', 'lamp', 'tea'].entries()) {
  const id = call('XADD', 'order_queue', '*', 'order_id', String(1000 + i), 'item', item, 'qty', String(i + 1));
  console.log(`produced order ${1000 + i} (${item}) as ${String(id)}`);
}

// Consumer group worker: XGROUP CREATE, XREADGROUP >, process, XACK.
call('XGROUP', 'CREATE', 'order_queue', 'order_workers', '0');
const batch = call('XREADGROUP', 'GROUP', 'order_workers', 'worker-1', 'COUNT', '10', 'STREAMS', 'order_queue', '>') as MapReply;
const entries = batch.entries[1] as [string, string[]][];
for (const [id, fields] of entries) {
  const order = Object.fromEntries(fields.flatMap((_, i) => (i % 2 ? [] : [[fields[i], fields[i + 1]]])));
  console.log(`worker-1 processed order ${order.order_id}: ${order.qty} x ${order.item}`);
  call('XACK', 'order_queue', 'order_workers', id);
}

// Stream and group info.
console.log('pending after ack:', (call('XPENDING', 'order_queue', 'order_workers') as Reply[])[0]);
const info = call('XINFO', 'STREAM', 'order_queue') as MapReply;
const fields = Object.fromEntries(info.entries.flatMap((v, i, a) => (i % 2 ? [] : [[String(v), a[i + 1]]])));
console.log(`stream length ${String(fields.length)}, groups ${String(fields.groups)}, last id ${String(fields['last-generated-id'])}`);

// Trimming by length and by id.
console.log('XTRIM MAXLEN 2 removed', call('XTRIM', 'order_queue', 'MAXLEN', '2'));
engine.close();

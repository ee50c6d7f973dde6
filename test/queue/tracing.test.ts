/**
 * OpenTelemetry: with an SDK registered (in-memory exporter, W3C
 * propagator, async-hooks context), a send inside a span yields a PRODUCER
 * span under it, the message carries its context in `traceparent`, and the
 * handler runs in a CONSUMER span that is the send span's child, with the
 * handler's own spans nested under it; a failing handler marks its span ERROR.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { connect, type Connection } from '../../src/client/index.ts';
import { Consumer, Producer, topic, type Message } from '../../src/queue/index.ts';
import { startRedis, type RedisProcess } from '../support/redis-server.ts';
import { until } from '../support/until.ts';

const exporter = new InMemorySpanExporter();
let redis: RedisProcess;
before(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  redis = await startRedis();
});
after(async () => {
  await redis?.stop();
  trace.disable();
  propagation.disable();
  context.disable();
});

for (const backend of ['embedded', 'redis-server']) {
  test(`send and process spans are linked through the message headers (${backend})`, async () => {
    exporter.reset();
    const conn: Connection = await connect(backend === 'embedded' ? 'brook://memory' : redis.url);
    const t = topic<{ n: number }>({ name: `traced-${backend}` });
    const producer = new Producer(t, { connection: conn });
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('request', async (span) => {
      await producer.send({ n: 1 });
      await producer.send({ n: 2 }, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
      span.end();
    });
    const seen: Message<{ n: number }>[] = [];
    const c = new Consumer(t, { connection: conn, group: 'g', backoffMs: 10, scanIntervalMs: 20, blockMs: 50, maxDeliveries: 1 });
    const running = c.run(async (m) => {
      seen.push(m);
      tracer.startSpan('inside handler').end();
      if (m.payload.n === 2) throw new Error('boom');
    });
    await until(() => seen.length === 2 && exporter.getFinishedSpans().filter((s) => s.name === 'inside handler').length === 2, 5000, 'both handled');
    await until(() => exporter.getFinishedSpans().filter((s) => s.name === `process ${t.name}`).length === 2, 5000, 'both process spans');
    await c.stop();
    await running;
    await conn.close();

    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'request')!;
    const sends = spans.filter((s) => s.name === `send ${t.name}`);
    const processes = spans.filter((s) => s.name === `process ${t.name}`);
    const inner = spans.filter((s) => s.name === 'inside handler');
    assert.equal(sends.length, 2);
    for (const s of sends) {
      assert.equal(s.kind, SpanKind.PRODUCER);
      assert.equal(s.parentSpanContext?.spanId, request.spanContext().spanId);
      assert.equal(s.attributes['messaging.destination.name'], t.name);
    }
    // Message 1 carries the send span's context; message 2 the caller's own traceparent.
    const first = seen.find((m) => m.payload.n === 1)!;
    assert.match(first.headers.traceparent, new RegExp(`^00-${request.spanContext().traceId}-${sends[0].spanContext().spanId}-01$`));
    assert.equal(seen.find((m) => m.payload.n === 2)!.headers.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const p1 = processes.find((s) => s.attributes['messaging.message.id'] === first.id)!;
    assert.equal(p1.kind, SpanKind.CONSUMER);
    assert.equal(p1.parentSpanContext?.spanId, sends[0].spanContext().spanId);
    assert.equal(p1.spanContext().traceId, request.spanContext().traceId);
    assert.equal(p1.attributes['messaging.consumer.group.name'], 'g');
    assert.equal(p1.status.code, SpanStatusCode.UNSET);
    const p2 = processes.find((s) => s !== p1)!;
    assert.equal(p2.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(p2.status.code, SpanStatusCode.ERROR);
    assert.equal(p2.events[0]?.name, 'exception');
    assert.deepEqual(inner.map((s) => s.parentSpanContext?.spanId).sort(), [p1.spanContext().spanId, p2.spanContext().spanId].sort());
  });
}

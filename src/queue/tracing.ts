/**
 * OpenTelemetry for the queue, through @opentelemetry/api only: with no SDK
 * registered every call here is a cheap no-op.
 *
 *   send    span `send <topic>` (PRODUCER) around each send / sendBatch; the
 *           active context is injected into each message's headers with the
 *           registered propagator (W3C `traceparent` / `tracestate`), unless
 *           the caller set those headers itself.
 *   process span `process <topic>` (CONSUMER) around each handler call, the
 *           child of the context extracted from the message's headers; the
 *           handler runs inside it, so its own spans nest under it. A handler
 *           that throws marks it ERROR with the exception.
 *
 * Attributes follow OpenTelemetry's messaging conventions
 * (messaging.system 'brook', messaging.destination.name the stream,
 * messaging.message.id, messaging.consumer.group.name, ...).
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

const tracer = () => trace.getTracer('brook');

/** The caller's headers plus the active context's propagation headers (the caller's win). */
export function withTraceHeaders(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (Object.keys(carrier).length === 0) return headers;
  return { ...carrier, ...headers };
}

/** Run `fn` inside a PRODUCER span; messages sent inside carry its context. */
export async function inSendSpan<R>(topic: string, attributes: Attributes, fn: () => Promise<R>): Promise<R> {
  return tracer().startActiveSpan(
    `send ${topic}`,
    { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'brook', 'messaging.operation.type': 'send', 'messaging.operation.name': 'send', 'messaging.destination.name': topic, ...attributes } },
    async (span) => finish(span, fn),
  );
}

/** Run a handler inside a CONSUMER span, the child of the context in `headers`. */
export async function inProcessSpan<R>(topic: string, headers: Readonly<Record<string, string>>, attributes: Attributes, fn: () => Promise<R>): Promise<R> {
  const parent = propagation.extract(context.active(), headers);
  return tracer().startActiveSpan(
    `process ${topic}`,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'brook', 'messaging.operation.type': 'process', 'messaging.operation.name': 'process', 'messaging.destination.name': topic, ...attributes } },
    parent,
    async (span) => finish(span, fn),
  );
}

async function finish<R>(span: Span, fn: () => Promise<R>): Promise<R> {
  try {
    return await fn();
  } catch (e) {
    span.recordException(e instanceof Error ? e : String(e));
    span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
    throw e;
  } finally {
    span.end();
  }
}

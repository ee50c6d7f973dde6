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
 * Until an SDK registers a tracer provider, handlers and sends run without
 * any span work (the headers still get whatever a registered propagator
 * injects).
 *
 * Attributes follow OpenTelemetry's messaging conventions
 * (messaging.system 'brook', messaging.destination.name the stream,
 * messaging.message.id, messaging.consumer.group.name, ...).
 */
import { context, propagation, ProxyTracerProvider, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

const tracer = () => trace.getTracer('brook');

/** The API's no-op provider: what the global proxy delegates to until an SDK registers. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/** False while no SDK is registered: then handlers skip the span machinery altogether. */
export function tracing(): boolean {
  const p = trace.getTracerProvider();
  return !(p instanceof ProxyTracerProvider) || p.getDelegate() !== NOOP_PROVIDER;
}

/** True when a send needs no span and no trace headers: no SDK and no propagator registered. */
export function untraced(): boolean {
  return !tracing() && propagation.fields().length === 0;
}

/**
 * The active context's propagation headers (W3C traceparent/tracestate with
 * the registered propagator), or null when there are none: computed once
 * per send or batch.
 */
export function traceHeaders(): Record<string, string> | null {
  if (propagation.fields().length === 0) return null; // the no-op propagator
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length === 0 ? null : carrier;
}

/** A message's headers with the trace headers added (the caller's own win). */
export function withTrace(headers: Record<string, string> | undefined, trace: Record<string, string> | null): Record<string, string> | undefined {
  return trace === null ? headers : { ...trace, ...headers };
}

/** Run `fn` inside a PRODUCER span; messages sent inside carry its context. */
export async function inSendSpan<R>(topic: string, attributes: Attributes, fn: () => Promise<R>): Promise<R> {
  if (!tracing()) return fn();
  return tracer().startActiveSpan(
    `send ${topic}`,
    { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'brook', 'messaging.operation.type': 'send', 'messaging.operation.name': 'send', 'messaging.destination.name': topic, ...attributes } },
    async (span) => finish(span, fn),
  );
}

/** Run a handler inside a CONSUMER span, the child of the context in `headers`. */
export async function inProcessSpan<R>(topic: string, headers: Readonly<Record<string, string>>, attributes: () => Attributes, fn: () => R | Promise<R>): Promise<R> {
  if (!tracing()) return fn();
  const parent = propagation.extract(context.active(), headers);
  return tracer().startActiveSpan(
    `process ${topic}`,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'brook', 'messaging.operation.type': 'process', 'messaging.operation.name': 'process', 'messaging.destination.name': topic, ...attributes() } },
    parent,
    async (span) => finish(span, fn),
  );
}

async function finish<R>(span: Span, fn: () => R | Promise<R>): Promise<R> {
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

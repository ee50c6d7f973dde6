/**
 * brook: Redis Streams as a reliable message queue and event store. The
 * main entry point gathers the everyday parts; each layer also has its own
 * subpath: brook/engine, brook/server, brook/client, brook/queue,
 * brook/eventstore.
 */
export { connect, type Connection } from './client/index.ts';
export * from './queue/index.ts';
export * from './eventstore/index.ts';

/**
 * brook/eventstore: an event store on Redis Streams (any backend of the
 * client port). See README "Event store".
 */
export { EventStore, type EventStoreOptions, type ReadAllOptions, type ReadStreamOptions, type Snapshot } from './store.ts';
export { CommandHandler, fold, type CommandHandlerOptions, type Decider, type DomainEvent, type HandleResult, type Loaded } from './decider.ts';
export { Subscription, type EventHandler, type SubscribeOptions, type SubscriptionContext } from './subscription.ts';
export { inlineProjection, projectionKey, rebuildProjection, runProjection, type Projection } from './projection.ts';
export { type Upcaster } from './codec.ts';
export { EventStoreError, EventStoreErrorCode, WrongExpectedVersionError, isEventStoreError } from './errors.ts';
export type { AppendResult, Checkpoint, EventData, ExpectedVersion, Position, RecordedEvent } from './types.ts';

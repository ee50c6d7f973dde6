/** brook/queue: topics, producers, consumer-group workers, dead letters. */
export { topic, type Topic, type TopicOptions } from './topic.ts';
export { Producer, type ProducerOptions, type SendOptions, type SendResult } from './producer.ts';
export { Consumer, type Handler } from './consumer.ts';
export type { ConsumerOptions } from './consumer-options.ts';
export { DeadLetters, type DeadLetter, type ReplayOptions } from './dead-letters.ts';
export type { Message } from './message.ts';
export type { ConsumerEvent, ProducerEvent } from './events.ts';
export { QueueError, QueueErrorCode, isQueueError } from './errors.ts';
export type { StandardSchemaV1, InferOutput } from './standard-schema.ts';
export { Retention, type RetentionPolicy, type TrimResult } from './retention.ts';
export { queueStats, registerQueueMetrics, type PartitionStats, type GroupStats, type ConsumerStats } from './stats.ts';
export { Notifications, type Notification, type NotificationsOptions } from './notifications.ts';

import type { CommandSpec } from '../command.ts';
import { publish, pubsub } from './publish.ts';
import { psubscribe, punsubscribe, subscribe, unsubscribe } from './subscribe.ts';

export const pubsubCommands: CommandSpec[] = [subscribe, unsubscribe, psubscribe, punsubscribe, publish, pubsub];

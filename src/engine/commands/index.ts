/**
 * The command table, assembled from one registry list per family. Each
 * family's list names its command files (one file per command).
 */
import type { CommandSpec } from '../command.ts';
import { connectionCommands } from './registry-connection.ts';
import { keyspaceCommands } from './registry-keyspace.ts';
import { stringCommands } from './registry-strings.ts';
import { hashCommands } from './registry-hashes.ts';
import { streamCommands } from './registry-streams.ts';
import { groupCommands } from './registry-groups.ts';
import { transactionCommands } from './registry-transactions.ts';
import { listCommands } from './registry-lists.ts';
import { setCommands } from './registry-sets.ts';
import { zsetCommands } from './registry-zsets.ts';
import { pubsubCommands } from './registry-pubsub.ts';
import { scriptingCommands } from './registry-scripting.ts';
import { serverCommands } from './registry-server.ts';
import { persistenceCommands } from './registry-persistence.ts';

export function allCommands(): CommandSpec[] {
  return [
    ...connectionCommands,
    ...keyspaceCommands,
    ...stringCommands,
    ...hashCommands,
    ...streamCommands,
    ...groupCommands,
    ...transactionCommands,
    ...listCommands,
    ...setCommands,
    ...zsetCommands,
    ...pubsubCommands,
    ...scriptingCommands,
    ...serverCommands,
    ...persistenceCommands,
  ];
}

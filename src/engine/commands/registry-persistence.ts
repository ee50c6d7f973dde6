import type { CommandSpec } from '../command.ts';

export const persistenceCommands: CommandSpec[] = [];

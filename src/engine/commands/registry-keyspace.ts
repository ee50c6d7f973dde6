import type { CommandSpec } from '../command.ts';

export const keyspaceCommands: CommandSpec[] = [];

import type { CommandSpec } from '../command.ts';

export const streamCommands: CommandSpec[] = [];

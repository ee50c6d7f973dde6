import type { CommandSpec } from '../command.ts';

export const groupCommands: CommandSpec[] = [];

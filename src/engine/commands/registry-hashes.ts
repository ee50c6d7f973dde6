import type { CommandSpec } from '../command.ts';

export const hashCommands: CommandSpec[] = [];

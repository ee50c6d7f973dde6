import type { CommandSpec } from '../command.ts';

export const stringCommands: CommandSpec[] = [];

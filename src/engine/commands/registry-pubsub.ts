import type { CommandSpec } from '../command.ts';

export const pubsubCommands: CommandSpec[] = [];

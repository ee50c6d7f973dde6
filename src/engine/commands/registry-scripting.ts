import type { CommandSpec } from '../command.ts';

export const scriptingCommands: CommandSpec[] = [];

import type { CommandSpec } from '../command.ts';

export const transactionCommands: CommandSpec[] = [];

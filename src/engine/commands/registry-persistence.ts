import type { CommandSpec } from '../command.ts';
import { bgrewriteaof } from './bgrewriteaof.ts';

export const persistenceCommands: CommandSpec[] = [bgrewriteaof];

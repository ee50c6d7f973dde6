import type { CommandSpec } from '../command.ts';
import { discard } from './discard.ts';
import { exec } from './exec.ts';
import { multi } from './multi.ts';
import { unwatch } from './unwatch.ts';
import { watch } from './watch.ts';

export const transactionCommands: CommandSpec[] = [multi, exec, discard, watch, unwatch];

import type { CommandSpec } from '../command.ts';
import { evalCmd, evalRo, evalsha, evalshaRo } from './eval.ts';
import { scriptCmd } from './script-cmd.ts';

export const scriptingCommands: CommandSpec[] = [evalCmd, evalRo, evalsha, evalshaRo, scriptCmd];

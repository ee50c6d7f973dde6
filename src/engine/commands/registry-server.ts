import type { CommandSpec } from '../command.ts';
import { auth } from './auth.ts';
import { client } from './client.ts';
import { commandCmd } from './command-cmd.ts';
import { config } from './config.ts';
import { functionCmd } from './function-cmd.ts';
import { hello } from './hello.ts';
import { info } from './info.ts';
import { quit } from './quit.ts';
import { reset } from './reset.ts';
import { shutdown } from './shutdown.ts';

export const serverCommands: CommandSpec[] = [auth, hello, client, info, config, commandCmd, quit, reset, shutdown, functionCmd];

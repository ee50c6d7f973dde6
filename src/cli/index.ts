#!/usr/bin/env node
/** The brook command line. */
import { Command } from 'commander';
import { registerEventCommands } from './events-cmd.ts';
import { registerQueueCommands } from './queue-cmd.ts';
import { registerServer } from './server-cmd.ts';

const program = new Command();
program.name('brook').description('Redis Streams toolkit with an embedded Redis-compatible engine').version('0.1.0');
// Bad usage (an unknown flag, a flag's bad value, a missing argument) exits 2, as `brook server`'s checks do; help and --version 0.
program.exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2));
registerServer(program);
registerQueueCommands(program);
registerEventCommands(program);
await program.parseAsync(process.argv);

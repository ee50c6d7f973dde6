#!/usr/bin/env node
/** The brook command line. */
import { Command } from 'commander';
import { registerServer } from './server-cmd.ts';

const program = new Command();
program.name('brook').description('Redis Streams toolkit with an embedded Redis-compatible engine').version('0.1.0');
registerServer(program);
await program.parseAsync(process.argv);

import type { CommandSpec } from '../command.ts';
import { xadd } from './xadd.ts';
import { xdel } from './xdel.ts';
import { xlen } from './xlen.ts';
import { xrange } from './xrange.ts';
import { xrevrange } from './xrevrange.ts';
import { xsetid } from './xsetid.ts';
import { xtrim } from './xtrim.ts';

export const streamCommands: CommandSpec[] = [xadd, xrange, xrevrange, xlen, xdel, xtrim, xsetid];

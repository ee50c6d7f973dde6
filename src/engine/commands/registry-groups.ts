import type { CommandSpec } from '../command.ts';
import { xack } from './xack.ts';
import { xautoclaim } from './xautoclaim.ts';
import { xclaim } from './xclaim.ts';
import { xgroup } from './xgroup.ts';
import { xinfo } from './xinfo.ts';
import { xpending } from './xpending.ts';
import { xread } from './xread.ts';
import { xreadgroup } from './xreadgroup.ts';

export const groupCommands: CommandSpec[] = [xread, xreadgroup, xgroup, xack, xpending, xclaim, xautoclaim, xinfo];

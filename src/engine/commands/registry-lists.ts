import type { CommandSpec } from '../command.ts';
import { blmove, blpop, brpop, brpoplpush } from './blpop.ts';
import { lindex } from './lindex.ts';
import { llen } from './llen.ts';
import { lmove, rpoplpush } from './lmove.ts';
import { lpop, rpop } from './lpop.ts';
import { lpush, lpushx, rpush, rpushx } from './lpush.ts';
import { lrange } from './lrange.ts';
import { lrem } from './lrem.ts';
import { lset } from './lset.ts';
import { ltrim } from './ltrim.ts';

export const listCommands: CommandSpec[] = [
  lpush, rpush, lpushx, rpushx, lpop, rpop, llen, lrange, lindex, lset, lrem, ltrim, lmove, rpoplpush, blpop, brpop, blmove, brpoplpush,
];

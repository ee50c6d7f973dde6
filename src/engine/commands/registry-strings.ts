import type { CommandSpec } from '../command.ts';
import { append } from './append.ts';
import { decr } from './decr.ts';
import { decrby } from './decrby.ts';
import { get } from './get.ts';
import { getdel } from './getdel.ts';
import { getset } from './getset.ts';
import { incr } from './incr.ts';
import { incrby } from './incrby.ts';
import { mget } from './mget.ts';
import { mset } from './mset.ts';
import { psetex } from './psetex.ts';
import { set } from './set.ts';
import { setex } from './setex.ts';
import { setnx } from './setnx.ts';
import { strlen } from './strlen.ts';

export const stringCommands: CommandSpec[] = [
  get, set, setnx, setex, psetex, getdel, getset, incr, incrby, decr, decrby, mget, mset, append, strlen,
];

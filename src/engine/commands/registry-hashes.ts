import type { CommandSpec } from '../command.ts';
import { hdel } from './hdel.ts';
import { hexists } from './hexists.ts';
import { hget } from './hget.ts';
import { hgetall } from './hgetall.ts';
import { hincrby } from './hincrby.ts';
import { hkeys } from './hkeys.ts';
import { hlen } from './hlen.ts';
import { hmget } from './hmget.ts';
import { hmset } from './hmset.ts';
import { hset } from './hset.ts';
import { hsetnx } from './hsetnx.ts';
import { hstrlen } from './hstrlen.ts';
import { hvals } from './hvals.ts';

export const hashCommands: CommandSpec[] = [
  hset, hmset, hsetnx, hget, hmget, hgetall, hkeys, hvals, hdel, hexists, hlen, hstrlen, hincrby,
];

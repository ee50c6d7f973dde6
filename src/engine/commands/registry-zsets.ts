import type { CommandSpec } from '../command.ts';
import { zadd, zincrby } from './zadd.ts';
import { bzpopmax, bzpopmin, zpopmax, zpopmin } from './zpopmin.ts';
import { zrange, zrangebylex, zrangebyscore, zrevrange, zrevrangebyscore } from './zrange.ts';
import { zcount, zrem, zremrangebyscore } from './zrem.ts';
import { zcard, zrank, zrevrank, zscore } from './zscore.ts';

export const zsetCommands: CommandSpec[] = [
  zadd, zincrby, zscore, zcard, zrank, zrevrank, zrem, zcount, zremrangebyscore,
  zrange, zrevrange, zrangebyscore, zrevrangebyscore, zrangebylex, zpopmin, zpopmax, bzpopmin, bzpopmax,
];

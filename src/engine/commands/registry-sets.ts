import type { CommandSpec } from '../command.ts';
import { sadd, scard, sismember, smembers, smismember, srem } from './sadd.ts';

export const setCommands: CommandSpec[] = [sadd, srem, scard, sismember, smismember, smembers];

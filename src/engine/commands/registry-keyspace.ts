import type { CommandSpec } from '../command.ts';
import { dbsize } from './dbsize.ts';
import { del } from './del.ts';
import { exists } from './exists.ts';
import { expire } from './expire.ts';
import { expireat } from './expireat.ts';
import { expiretime } from './expiretime.ts';
import { pexpiretime } from './pexpiretime.ts';
import { flushall } from './flushall.ts';
import { flushdb } from './flushdb.ts';
import { keys } from './keys.ts';
import { persist } from './persist.ts';
import { pexpire } from './pexpire.ts';
import { pexpireat } from './pexpireat.ts';
import { pttl } from './pttl.ts';
import { rename } from './rename.ts';
import { renamenx } from './renamenx.ts';
import { scan } from './scan.ts';
import { select } from './select.ts';
import { time } from './time.ts';
import { ttl } from './ttl.ts';
import { type } from './type.ts';
import { unlink } from './unlink.ts';

export const keyspaceCommands: CommandSpec[] = [
  del, unlink, exists, type, rename, renamenx, keys, scan, expire, pexpire, expireat, pexpireat,
  ttl, pttl, expiretime, pexpiretime, persist, flushall, flushdb, dbsize, select, time,
];

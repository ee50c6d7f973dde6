import { command } from '../command.ts';
import { expireGeneric } from './expire.ts';

/** PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT] */
export const pexpireat = command({
  name: 'pexpireat',
  arity: -3,
  flags: ['write', 'fast'],
  run: (ctx, argv) => expireGeneric(ctx, argv, false, false),
});

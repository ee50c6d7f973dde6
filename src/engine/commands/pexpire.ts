import { command } from '../command.ts';
import { expireGeneric } from './expire.ts';

/** PEXPIRE key milliseconds [NX|XX|GT|LT] */
export const pexpire = command({
  name: 'pexpire',
  arity: -3,
  flags: ['write', 'fast'],
  run: (ctx, argv) => expireGeneric(ctx, argv, true, false),
});

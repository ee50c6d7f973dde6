import { command } from '../command.ts';
import { expireGeneric } from './expire.ts';

/** EXPIREAT key unix-time-seconds [NX|XX|GT|LT] */
export const expireat = command({
  name: 'expireat',
  arity: -3,
  flags: ['write', 'fast'],
  run: (ctx, argv) => expireGeneric(ctx, argv, false, true),
});

import { command } from '../command.ts';
import { expireTimeGeneric } from './expiretime.ts';

/** PEXPIRETIME key */
export const pexpiretime = command({
  name: 'pexpiretime',
  arity: 2,
  flags: ['readonly', 'fast'],
  run: (ctx, argv) => expireTimeGeneric(ctx, argv[1], true),
});

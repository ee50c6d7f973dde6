import { command } from '../command.ts';
import { ttlGeneric } from './ttl.ts';

/** PTTL key */
export const pttl = command({
  name: 'pttl',
  arity: 2,
  flags: ['readonly', 'fast'],
  run: (ctx, argv) => ttlGeneric(ctx, argv[1], true),
});

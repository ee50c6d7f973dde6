import { command } from '../command.ts';
import { incrDecr } from './incrby.ts';

/** INCR key */
export const incr = command({
  name: 'incr',
  arity: 2,
  flags: ['write', 'denyoom', 'fast'],
  run: (ctx, argv) => incrDecr(ctx, argv[1], 1n),
});

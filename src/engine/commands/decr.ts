import { command } from '../command.ts';
import { incrDecr } from './incrby.ts';

/** DECR key */
export const decr = command({
  name: 'decr',
  arity: 2,
  flags: ['write', 'denyoom', 'fast'],
  run: (ctx, argv) => incrDecr(ctx, argv[1], -1n),
});

import { command } from '../command.ts';
import { err, NOT_INTEGER } from '../errors.ts';
import { string2ll } from '../numbers.ts';
import { incrDecr } from './incrby.ts';

/** DECRBY key decrement */
export const decrby = command({
  name: 'decrby',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    const by = string2ll(argv[2]);
    if (by === null) return NOT_INTEGER;
    if (by === -9223372036854775808n) return err('ERR decrement would overflow');
    return incrDecr(ctx, argv[1], -by);
  },
});

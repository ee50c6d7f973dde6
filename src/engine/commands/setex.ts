import { command } from '../command.ts';
import { setGeneric } from './set.ts';

/** SETEX key seconds value */
export const setex = command({
  name: 'setex',
  arity: 4,
  flags: ['write', 'denyoom'],
  run: (ctx, argv) =>
    setGeneric(ctx, argv, argv[1], argv[3], { nx: false, xx: false, get: false, keepTtl: false, unit: 'ex', expire: argv[2] }),
});

import { command } from '../command.ts';
import { setGeneric } from './set.ts';

/** PSETEX key milliseconds value */
export const psetex = command({
  name: 'psetex',
  arity: 4,
  flags: ['write', 'denyoom'],
  run: (ctx, argv) =>
    setGeneric(ctx, argv, argv[1], argv[3], { nx: false, xx: false, get: false, keepTtl: false, unit: 'px', expire: argv[2] }),
});

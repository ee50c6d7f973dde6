import { command } from '../command.ts';
import { setGeneric } from './set.ts';

/** SETNX key value: 1 when set, 0 when the key existed. */
export const setnx = command({
  name: 'setnx',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  run: (ctx, argv) =>
    setGeneric(ctx, argv, argv[1], argv[2], { nx: true, xx: false, get: false, keepTtl: false, unit: 'ex' }, 1, 0),
});

import { command } from '../command.ts';
import { flush, flushArgs } from './flushall.ts';

/** FLUSHDB [ASYNC|SYNC] */
export const flushdb = command({
  name: 'flushdb',
  arity: -1,
  flags: ['write'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: (ctx, argv) => flushArgs(argv) ?? flush(ctx, false),
});

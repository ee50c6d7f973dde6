import { command } from '../command.ts';
import { runRange } from './xrange.ts';

/** XREVRANGE key end start [COUNT count] */
export const xrevrange = command({
  name: 'xrevrange',
  arity: -4,
  flags: ['readonly'],
  run: (ctx, argv) => runRange(ctx, argv, true),
});

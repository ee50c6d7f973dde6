import { command } from '../command.ts';
import { runRead } from './xread.ts';

/**
 * XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK] STREAMS key [key ...] id [id ...]
 * Propagated as the XCLAIM / XGROUP commands that recreate its PEL changes.
 */
export const xreadgroup = command({
  name: 'xreadgroup',
  arity: -7,
  flags: ['write', 'blocking'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: (ctx, argv) => runRead(ctx, argv, true),
});

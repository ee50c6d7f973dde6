import { command } from '../command.ts';
import { err } from '../errors.ts';
import { OK } from '../reply.ts';

/** MULTI: start queuing commands for EXEC. */
export const multi = command({
  name: 'multi',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx) {
    if (ctx.session.multi !== null) return err('ERR MULTI calls can not be nested');
    ctx.session.multi = [];
    return OK;
  },
});

import { command } from '../command.ts';
import { err } from '../errors.ts';
import { OK } from '../reply.ts';
import { discardTransaction } from './watch.ts';

/** DISCARD */
export const discard = command({
  name: 'discard',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx) {
    if (ctx.session.multi === null) return err('ERR DISCARD without MULTI');
    discardTransaction(ctx.session);
    return OK;
  },
});

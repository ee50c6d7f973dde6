import { command } from '../command.ts';
import { OK } from '../reply.ts';
import { unwatchAll } from './watch.ts';

/** UNWATCH */
export const unwatch = command({
  name: 'unwatch',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx) {
    unwatchAll(ctx.session);
    ctx.session.dirtyCas = false;
    return OK;
  },
});

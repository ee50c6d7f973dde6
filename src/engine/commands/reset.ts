import { command } from '../command.ts';
import { SimpleString } from '../reply.ts';
import { discardTransaction } from './watch.ts';

/** RESET: back to a fresh connection's state (RESP2, db 0, no name, no MULTI/WATCH/subscriptions). */
export const reset = command({
  name: 'reset',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx) {
    const s = ctx.session;
    discardTransaction(s);
    s.dbIndex = 0;
    s.resp = 2;
    s.name = '';
    s.channels.clear();
    s.patterns.clear();
    s.authenticated = !ctx.engine.config.get('requirepass');
    return new SimpleString('RESET');
  },
});

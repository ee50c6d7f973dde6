import { command } from '../command.ts';
import { SYNTAX } from '../errors.ts';
import { OK } from '../reply.ts';

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: flush persistence, close
 * the server. Over RESP the connection closes without a reply, as Redis.
 */
export const shutdown = command({
  name: 'shutdown',
  arity: -1,
  flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    let save = true;
    for (const a of argv.slice(1)) {
      const o = a.toLowerCase();
      if (o === 'nosave') save = false;
      else if (o !== 'save' && o !== 'now' && o !== 'force' && o !== 'abort') return SYNTAX;
    }
    ctx.session.info.noReply = true;
    ctx.session.info.closeAfterReply = true;
    const hooks = [...ctx.engine.shutdownHooks];
    setImmediate(() => {
      for (const h of hooks) h({ save });
    });
    return OK;
  },
});

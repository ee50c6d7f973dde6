import { command } from '../command.ts';
import { OK } from '../reply.ts';

/** QUIT: answer OK, then the server closes the connection. */
export const quit = command({
  name: 'quit',
  arity: -1,
  flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx) {
    ctx.session.info.closeAfterReply = true;
    return OK;
  },
});

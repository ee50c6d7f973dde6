import { command } from '../command.ts';
import { wrongArity } from '../errors.ts';
import { PONG } from '../reply.ts';

/** PING [message]: PONG, or the message as a bulk string. In RESP2 pub/sub mode: ["pong", message]. */
export const ping = command({
  name: 'ping',
  arity: -1,
  flags: ['fast', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    if (argv.length > 2) return wrongArity('ping');
    const s = ctx.session;
    if (s.resp === 2 && (s.channels.size > 0 || s.patterns.size > 0)) {
      return ['pong', argv.length === 2 ? argv[1] : ''];
    }
    return argv.length === 2 ? argv[1] : PONG;
  },
});

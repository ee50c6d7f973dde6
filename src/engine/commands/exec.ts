import { command } from '../command.ts';
import { EXECABORT, err } from '../errors.ts';
import { ErrorReply, NULL_ARRAY, type Reply } from '../reply.ts';
import { discardTransaction, unwatchAll } from './watch.ts';

/**
 * EXEC: run the queued commands atomically. EXECABORT when a command failed
 * to queue; a null array when a WATCHed key changed (or expired since
 * WATCH). Blocking commands inside answer as on timeout. The writes are
 * propagated wrapped in MULTI/EXEC.
 */
export const exec = command({
  name: 'exec',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx) {
    const s = ctx.session;
    if (s.multi === null) return err('ERR EXEC without MULTI');
    for (const [db, key, expiredAtWatch] of s.watching) {
      if (expiredAtWatch) continue;
      const when = db.expires.get(key);
      if (when !== undefined && when <= ctx.now) s.dirtyCas = true;
    }
    if (s.multiError || s.dirtyCas) {
      const reply = s.multiError ? EXECABORT : NULL_ARRAY;
      discardTransaction(s);
      return reply;
    }
    const queued = s.multi;
    unwatchAll(s);
    const engine = ctx.engine;
    const wasDeny = s.denyBlocking;
    s.denyBlocking = true;
    const replies: Reply[] = [];
    try {
      engine.atomically(() => s.dbIndex, () => {
        for (const argv of queued) {
          const cmd = engine.lookup(argv);
          if (cmd instanceof ErrorReply) {
            replies.push(cmd);
            continue;
          }
          replies.push(engine.call(s, cmd, argv) as Reply);
        }
      });
    } finally {
      s.denyBlocking = wasDeny;
      discardTransaction(s);
    }
    return replies;
  },
});

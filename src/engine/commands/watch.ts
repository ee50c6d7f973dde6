import { command } from '../command.ts';
import { err } from '../errors.ts';
import { OK } from '../reply.ts';
import type { Session } from '../session.ts';

/** Forget every WATCHed key of the session (unwatchAllKeys). */
export function unwatchAll(session: Session): void {
  for (const [db, key] of session.watching) {
    const set = db.watched.get(key);
    if (set) {
      set.delete(session);
      if (set.size === 0) db.watched.delete(key);
    }
  }
  session.watching.length = 0;
}

/** Drop the transaction state (discardTransaction). */
export function discardTransaction(session: Session): void {
  session.multi = null;
  session.multiError = false;
  session.dirtyCas = false;
  unwatchAll(session);
}

/** WATCH key [key ...]: EXEC fails if any is modified before it. */
export const watch = command({
  name: 'watch',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  lastKey: -1,
  run(ctx, argv) {
    const s = ctx.session;
    if (s.multi !== null) return err('ERR WATCH inside MULTI is not allowed');
    if (s.dirtyCas) return OK;
    const db = ctx.db;
    for (let i = 1; i < argv.length; i++) {
      const key = argv[i];
      if (s.watching.some(([d, k]) => d === db && k === key)) continue;
      let set = db.watched.get(key);
      if (set === undefined) db.watched.set(key, (set = new Set()));
      set.add(s);
      // A key already logically expired at WATCH time: its later deletion is no change.
      const when = db.expires.get(key);
      const expired = when !== undefined && when <= ctx.now;
      s.watching.push([db, key, expired]);
    }
    return OK;
  },
});

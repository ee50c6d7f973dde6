import { command } from '../command.ts';

/** PERSIST key: 1 when a deadline was removed. */
export const persist = command({
  name: 'persist',
  arity: 2,
  flags: ['write', 'fast'],
  run(ctx, argv) {
    const db = ctx.db;
    if (db.lookup(argv[1]) === undefined || !db.expires.delete(argv[1])) return 0;
    db.touch(argv[1]);
    ctx.dirty();
    return 1;
  },
});

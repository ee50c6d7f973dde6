import { command } from '../command.ts';

/** EXISTS key [key ...]: how many of the keys exist (a key named twice counts twice). */
export const exists = command({
  name: 'exists',
  arity: -2,
  flags: ['readonly', 'fast'],
  lastKey: -1,
  run(ctx, argv) {
    let n = 0;
    for (let i = 1; i < argv.length; i++) if (ctx.db.lookup(argv[i]) !== undefined) n++;
    return n;
  },
});

import { command } from '../command.ts';

/** MGET key [key ...]: nil for missing keys and for keys of other types. */
export const mget = command({
  name: 'mget',
  arity: -2,
  flags: ['readonly', 'fast'],
  lastKey: -1,
  run(ctx, argv) {
    const out: Array<string | null> = [];
    for (let i = 1; i < argv.length; i++) {
      const v = ctx.db.lookup(argv[i]);
      out.push(typeof v === 'string' ? v : null);
    }
    return out;
  },
});

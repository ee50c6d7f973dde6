import { command } from '../command.ts';

/** DEL key [key ...]: number of keys removed. */
export const del = command({
  name: 'del',
  arity: -2,
  flags: ['write'],
  lastKey: -1,
  run(ctx, argv) {
    let n = 0;
    for (let i = 1; i < argv.length; i++) {
      if (ctx.db.lookup(argv[i]) !== undefined && ctx.db.delete(argv[i])) n++;
    }
    ctx.dirty(n);
    return n;
  },
});

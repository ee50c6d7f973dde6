import { command } from '../command.ts';

/** GET key: the string, nil when missing, WRONGTYPE for other types. */
export const get = command({
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  run: (ctx, argv) => ctx.db.lookupString(argv[1]) ?? null,
});

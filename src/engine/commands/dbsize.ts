import { command } from '../command.ts';

/** DBSIZE: keys in the selected database (including not-yet-reclaimed expired ones, as Redis). */
export const dbsize = command({
  name: 'dbsize',
  arity: 1,
  flags: ['readonly', 'fast'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: (ctx) => ctx.db.size,
});

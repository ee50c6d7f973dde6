import { command } from '../command.ts';
import { globMatch } from '../glob.ts';

/** KEYS pattern: every live key matching the glob (order unspecified, as in Redis). */
export const keys = command({
  name: 'keys',
  arity: 2,
  flags: ['readonly'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    const pattern = argv[1];
    const all = pattern === '*';
    const out: string[] = [];
    for (const k of [...ctx.db.dict.keys()]) {
      if ((all || globMatch(pattern, k)) && ctx.db.lookup(k) !== undefined) out.push(k);
    }
    return out;
  },
});

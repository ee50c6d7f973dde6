import { command } from '../command.ts';
import { err, NOT_INTEGER } from '../errors.ts';
import { string2llNum } from '../numbers.ts';
import { OK } from '../reply.ts';

/** SELECT index */
export const select = command({
  name: 'select',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    const n = string2llNum(argv[1]);
    if (n === null || n < -2147483648 || n > 2147483647) return NOT_INTEGER;
    if (n < 0 || n >= ctx.engine.dbs.length) return err('ERR DB index is out of range');
    ctx.session.dbIndex = n;
    return OK;
  },
});

import { command } from '../command.ts';
import { wrongArity } from '../errors.ts';
import { OK } from '../reply.ts';

/** MSET key value [key value ...] */
export const mset = command({
  name: 'mset',
  arity: -3,
  flags: ['write', 'denyoom'],
  lastKey: -1,
  step: 2,
  run(ctx, argv) {
    if (argv.length % 2 === 0) return wrongArity('mset');
    for (let i = 1; i < argv.length; i += 2) ctx.db.set(argv[i], argv[i + 1]);
    ctx.dirty((argv.length - 1) / 2);
    return OK;
  },
});

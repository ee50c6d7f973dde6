import { command } from '../command.ts';
import { wrongArity } from '../errors.ts';
import { OK } from '../reply.ts';
import { hsetGeneric } from './hset.ts';

/** HMSET key field value [field value ...] (deprecated form of HSET answering OK) */
export const hmset = command({
  name: 'hmset',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    if (argv.length % 2 === 1) return wrongArity(argv[0]);
    const r = hsetGeneric(ctx, argv);
    return typeof r === 'number' ? OK : r;
  },
});

import { command } from '../command.ts';
import { SimpleString } from '../reply.ts';
import { typeOf } from '../types.ts';

/** TYPE key: string, list, set, zset, hash, stream, or none. */
export const type = command({
  name: 'type',
  arity: 2,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const v = ctx.db.lookup(argv[1]);
    return new SimpleString(v === undefined ? 'none' : typeOf(v));
  },
});

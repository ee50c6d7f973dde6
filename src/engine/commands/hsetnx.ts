import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';
import { hashForWrite } from './hset.ts';

/** HSETNX key field value: 1 when set, 0 when the field existed. */
export const hsetnx = command({
  name: 'hsetnx',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    const cur = ctx.db.lookupTyped(argv[1], 'hash');
    if (cur instanceof ErrorReply) return cur;
    if (cur !== undefined && cur.map.has(argv[2])) return 0;
    const h = hashForWrite(ctx, argv[1]) as Exclude<ReturnType<typeof hashForWrite>, ErrorReply>;
    h.map.set(argv[2], argv[3]);
    ctx.db.touch(argv[1]);
    ctx.dirty();
    return 1;
  },
});

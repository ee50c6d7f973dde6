import { command } from '../command.ts';
import { err } from '../errors.ts';
import { ErrorReply } from '../reply.ts';

const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;

/** APPEND key value: the new length. */
export const append = command({
  name: 'append',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    const cur = ctx.db.lookupString(argv[1]);
    if (cur instanceof ErrorReply) return cur;
    if (cur === undefined) {
      ctx.db.add(argv[1], argv[2]);
      ctx.dirty();
      return argv[2].length;
    }
    if (cur.length + argv[2].length > PROTO_MAX_BULK_LEN) {
      return err('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    }
    const v = cur + argv[2];
    ctx.db.set(argv[1], v, true);
    ctx.dirty();
    return v.length;
  },
});

import { command } from '../command.ts';
import { err, NOT_INTEGER } from '../errors.ts';
import { string2ll } from '../numbers.ts';
import { ErrorReply } from '../reply.ts';
import { hashForWrite } from './hset.ts';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/** HINCRBY key field increment */
export const hincrby = command({
  name: 'hincrby',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    const by = string2ll(argv[3]);
    if (by === null) return NOT_INTEGER;
    const cur = ctx.db.lookupTyped(argv[1], 'hash');
    if (cur instanceof ErrorReply) return cur;
    let v = 0n;
    const old = cur?.map.get(argv[2]);
    if (old !== undefined) {
      const n = string2ll(old);
      if (n === null) return err('ERR hash value is not an integer');
      v = n;
    }
    const r = v + by;
    if (r > LLONG_MAX || r < LLONG_MIN) return err('ERR increment or decrement would overflow');
    const h = hashForWrite(ctx, argv[1]) as Exclude<ReturnType<typeof hashForWrite>, ErrorReply>;
    h.map.set(argv[2], r.toString());
    ctx.db.touch(argv[1]);
    ctx.dirty();
    return r >= -9007199254740991n && r <= 9007199254740991n ? Number(r) : r;
  },
});

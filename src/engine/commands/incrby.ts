import { command, type Context } from '../command.ts';
import { err, NOT_INTEGER } from '../errors.ts';
import { string2ll } from '../numbers.ts';
import { ErrorReply, type Reply } from '../reply.ts';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/** incrDecrCommand: add `by` to the integer at key (missing = 0), keeping the TTL. */
export function incrDecr(ctx: Context, key: string, by: bigint): Reply {
  const cur = ctx.db.lookupString(key);
  if (cur instanceof ErrorReply) return cur;
  let v = 0n;
  if (cur !== undefined) {
    const n = string2ll(cur);
    if (n === null) return NOT_INTEGER;
    v = n;
  }
  const r = v + by;
  if (r > LLONG_MAX || r < LLONG_MIN) return err('ERR increment or decrement would overflow');
  ctx.db.set(key, r.toString(), true);
  ctx.dirty();
  return r >= -9007199254740991n && r <= 9007199254740991n ? Number(r) : r;
}

/** INCRBY key increment */
export const incrby = command({
  name: 'incrby',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    const by = string2ll(argv[2]);
    if (by === null) return NOT_INTEGER;
    return incrDecr(ctx, argv[1], by);
  },
});

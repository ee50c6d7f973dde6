/**
 * LPOP / RPOP key [count]: one element (bulk, nil when missing), or with a
 * count an array of up to count (a null array when missing, empty for 0).
 */
import { command, type Context } from '../command.ts';
import { err, wrongArity } from '../errors.ts';
import { listElementsRemoved, pop, type End } from '../list/util.ts';
import { string2llNum } from '../numbers.ts';
import { ErrorReply, NULL_ARRAY, type Reply } from '../reply.ts';

function popGeneric(ctx: Context, argv: string[], end: End): Reply {
  if (argv.length > 3) return wrongArity(argv[0]);
  let count = -1;
  if (argv.length === 3) {
    const n = string2llNum(argv[2]);
    // getPositiveLongFromObjectOrReply: one message for both failures.
    if (n === null || n < 0) return err('ERR value is out of range, must be positive');
    count = n;
  }
  const l = ctx.db.lookupTyped(argv[1], 'list');
  if (l instanceof ErrorReply) return l;
  if (l === undefined) return count >= 0 ? NULL_ARRAY : null;
  if (count === 0) return [];
  if (count < 0) {
    const v = pop(l, end) as string;
    listElementsRemoved(ctx, argv[1], l, 1);
    return v;
  }
  const out: string[] = [];
  while (out.length < count && l.list.size > 0) out.push(pop(l, end) as string);
  listElementsRemoved(ctx, argv[1], l, out.length);
  return out;
}

export const lpop = command({ name: 'lpop', arity: -2, flags: ['write', 'fast'], run: (ctx, argv) => popGeneric(ctx, argv, 'left') });
export const rpop = command({ name: 'rpop', arity: -2, flags: ['write', 'fast'], run: (ctx, argv) => popGeneric(ctx, argv, 'right') });

/** LPUSH / RPUSH / LPUSHX / RPUSHX key element [element ...]: the new length. */
import { command, type Context } from '../command.ts';
import { listForPush, push, type End } from '../list/util.ts';
import { ErrorReply, type Reply } from '../reply.ts';

function pushGeneric(ctx: Context, argv: string[], end: End, onlyExisting: boolean): Reply {
  const l = listForPush(ctx, argv[1], !onlyExisting);
  if (l instanceof ErrorReply) return l;
  if (l === undefined) return 0;
  for (let i = 2; i < argv.length; i++) push(l, end, argv[i]);
  ctx.db.touch(argv[1]);
  ctx.ready(argv[1]);
  ctx.dirty(argv.length - 2);
  return l.list.size;
}

const spec = (name: string, end: End, onlyExisting: boolean) =>
  command({ name, arity: -3, flags: ['write', 'denyoom', 'fast'], run: (ctx, argv) => pushGeneric(ctx, argv, end, onlyExisting) });

export const lpush = spec('lpush', 'left', false);
export const rpush = spec('rpush', 'right', false);
export const lpushx = spec('lpushx', 'left', true);
export const rpushx = spec('rpushx', 'right', true);

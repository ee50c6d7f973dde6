import { command, type Context } from '../command.ts';
import { NO_SUCH_KEY } from '../errors.ts';
import { OK, type Reply } from '../reply.ts';

/** Shared by RENAME and RENAMENX (renameGenericCommand): the TTL moves with the value. */
export function renameGeneric(ctx: Context, argv: string[], nx: boolean): Reply {
  const [, src, dst] = argv;
  const db = ctx.db;
  const v = db.lookup(src);
  if (v === undefined) return NO_SUCH_KEY;
  if (src === dst) return nx ? 0 : OK;
  const ttl = db.getExpire(src);
  if (db.lookup(dst) !== undefined) {
    if (nx) return 0;
    db.delete(dst);
  }
  db.delete(src);
  db.add(dst, v);
  if (ttl !== -1) db.setExpire(dst, ttl);
  ctx.ready(dst);
  ctx.dirty();
  return nx ? 1 : OK;
}

/** RENAME key newkey */
export const rename = command({
  name: 'rename',
  arity: 3,
  flags: ['write'],
  lastKey: 2,
  run: (ctx, argv) => renameGeneric(ctx, argv, false),
});

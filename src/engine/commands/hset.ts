import { command, type Context } from '../command.ts';
import { wrongArity } from '../errors.ts';
import { ErrorReply, type Reply } from '../reply.ts';
import { newHash, type HashValue } from '../types.ts';

/** The hash at key, created when missing; WRONGTYPE for other types. */
export function hashForWrite(ctx: Context, key: string): HashValue | ErrorReply {
  const h = ctx.db.lookupTyped(key, 'hash');
  if (h !== undefined) return h;
  const created = newHash();
  ctx.db.add(key, created);
  return created;
}

/** HSET key field value [field value ...]: number of new fields. */
export const hset = command({
  name: 'hset',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    if (argv.length % 2 === 1) return wrongArity(argv[0]);
    return hsetGeneric(ctx, argv);
  },
});

/** Set every field/value pair; returns how many fields are new. */
export function hsetGeneric(ctx: Context, argv: string[]): Reply {
  const h = hashForWrite(ctx, argv[1]);
  if (h instanceof ErrorReply) return h;
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (!h.map.has(argv[i])) created++;
    h.map.set(argv[i], argv[i + 1]);
  }
  ctx.db.touch(argv[1]);
  ctx.dirty((argv.length - 2) / 2);
  return created;
}

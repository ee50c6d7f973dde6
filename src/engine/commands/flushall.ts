import { command, type Context } from '../command.ts';
import { SYNTAX } from '../errors.ts';
import { OK, type Reply } from '../reply.ts';

/** FLUSHALL/FLUSHDB [ASYNC|SYNC] argument check (getFlushCommandFlags). */
export function flushArgs(argv: string[]): Reply | null {
  if (argv.length > 2) return SYNTAX;
  if (argv.length === 2) {
    const o = argv[1].toLowerCase();
    if (o !== 'async' && o !== 'sync') return SYNTAX;
  }
  return null;
}

export function flush(ctx: Context, all: boolean): Reply {
  const dbs = all ? ctx.engine.dbs : [ctx.db];
  let removed = 0;
  for (const db of dbs) {
    removed += db.size;
    db.clear();
  }
  ctx.dirty(removed + 1);
  return OK;
}

/** FLUSHALL [ASYNC|SYNC] */
export const flushall = command({
  name: 'flushall',
  arity: -1,
  flags: ['write'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: (ctx, argv) => flushArgs(argv) ?? flush(ctx, true),
});

/** SADD / SREM key member [member ...], SCARD, SISMEMBER, SMISMEMBER, SMEMBERS. */
import { command } from '../command.ts';
import { ErrorReply, SetReply } from '../reply.ts';
import type { SetValue } from '../types.ts';

export const sadd = command({
  name: 'sadd',
  arity: -3,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    let s = ctx.db.lookupTyped(argv[1], 'set');
    if (s instanceof ErrorReply) return s;
    if (s === undefined) {
      s = { type: 'set', set: new Set() } satisfies SetValue;
      ctx.db.add(argv[1], s);
    }
    let n = 0;
    for (let i = 2; i < argv.length; i++) {
      if (!s.set.has(argv[i])) {
        s.set.add(argv[i]);
        n++;
      }
    }
    if (n > 0) {
      ctx.db.touch(argv[1]);
      ctx.dirty(n);
    }
    return n;
  },
});

export const srem = command({
  name: 'srem',
  arity: -3,
  flags: ['write', 'fast'],
  run(ctx, argv) {
    const s = ctx.db.lookupTyped(argv[1], 'set');
    if (s instanceof ErrorReply) return s;
    if (s === undefined) return 0;
    let n = 0;
    for (let i = 2; i < argv.length; i++) if (s.set.delete(argv[i])) n++;
    if (n > 0) {
      if (s.set.size === 0) ctx.db.delete(argv[1]);
      else ctx.db.touch(argv[1]);
      ctx.dirty(n);
    }
    return n;
  },
});

export const scard = command({
  name: 'scard',
  arity: 2,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const s = ctx.db.lookupTyped(argv[1], 'set');
    if (s instanceof ErrorReply) return s;
    return s === undefined ? 0 : s.set.size;
  },
});

export const sismember = command({
  name: 'sismember',
  arity: 3,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const s = ctx.db.lookupTyped(argv[1], 'set');
    if (s instanceof ErrorReply) return s;
    return s?.set.has(argv[2]) ? 1 : 0;
  },
});

export const smismember = command({
  name: 'smismember',
  arity: -3,
  flags: ['readonly', 'fast'],
  run(ctx, argv) {
    const s = ctx.db.lookupTyped(argv[1], 'set');
    if (s instanceof ErrorReply) return s;
    return argv.slice(2).map((m) => (s?.set.has(m) ? 1 : 0));
  },
});

/** SMEMBERS key: every member (order unspecified, as in Redis). */
export const smembers = command({
  name: 'smembers',
  arity: 2,
  flags: ['readonly'],
  run(ctx, argv) {
    const s = ctx.db.lookupTyped(argv[1], 'set');
    if (s instanceof ErrorReply) return s;
    return new SetReply(s === undefined ? [] : [...s.set]);
  },
});

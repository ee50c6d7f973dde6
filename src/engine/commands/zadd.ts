/**
 * ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] and
 * ZINCRBY key increment member (t_zset.c: zaddGenericCommand).
 */
import { command, type Context } from '../command.ts';
import { err, NOT_FLOAT, SYNTAX } from '../errors.ts';
import { parseDouble } from '../numbers.ts';
import { DoubleReply, ErrorReply, type Reply } from '../reply.ts';
import { zsetForWrite } from '../zset/util.ts';

interface Flags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

function zaddGeneric(ctx: Context, argv: string[], f: Flags, scoreIdx: number): Reply {
  const n = argv.length - scoreIdx;
  if (n === 0 || n % 2 !== 0) return SYNTAX;
  if (f.nx && f.xx) return err('ERR XX and NX options at the same time are not compatible');
  if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) return err('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (f.incr && n > 2) return err('ERR INCR option supports a single increment-element pair');
  const scores: number[] = [];
  for (let i = scoreIdx; i < argv.length; i += 2) {
    const s = parseDouble(argv[i]);
    if (s === null) return NOT_FLOAT;
    scores.push(s);
  }
  const key = argv[1];
  const z = zsetForWrite(ctx, key, !f.xx);
  if (z instanceof ErrorReply) return z;
  if (z === undefined) return f.incr ? null : 0;
  let added = 0;
  let updated = 0;
  let processed = false;
  let last = 0;
  for (let k = 0; k < scores.length; k++) {
    const member = argv[scoreIdx + 2 * k + 1];
    let score = scores[k];
    const cur = z.zset.score(member);
    if (cur !== undefined) {
      if (f.nx) continue;
      if (f.incr) {
        score = cur + score;
        if (Number.isNaN(score)) {
          if (z.zset.size === 0) ctx.db.delete(key);
          return err('ERR resulting score is not a number (NaN)');
        }
      }
      if ((f.lt && score >= cur) || (f.gt && score <= cur)) continue;
      processed = true;
      last = score;
      if (score !== cur) {
        z.zset.set(member, score);
        updated++;
      }
    } else {
      if (f.xx) continue;
      z.zset.set(member, score);
      added++;
      processed = true;
      last = score;
    }
  }
  if (z.zset.size === 0) ctx.db.delete(key);
  if (added + updated > 0) {
    ctx.db.touch(key);
    ctx.ready(key);
    ctx.dirty(added + updated);
  }
  if (f.incr) return processed ? new DoubleReply(last) : null;
  return f.ch ? added + updated : added;
}

export const zadd = command({
  name: 'zadd',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  run(ctx, argv) {
    const f: Flags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: false };
    let i = 2;
    for (; i < argv.length; i++) {
      const o = argv[i].toLowerCase();
      if (o === 'nx' || o === 'xx' || o === 'gt' || o === 'lt' || o === 'ch' || o === 'incr') f[o] = true;
      else break;
    }
    return zaddGeneric(ctx, argv, f, i);
  },
});

export const zincrby = command({
  name: 'zincrby',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  run: (ctx, argv) => zaddGeneric(ctx, argv, { nx: false, xx: false, gt: false, lt: false, ch: false, incr: true }, 2),
});

import { command, type Context } from '../command.ts';
import { err, INVALID_EXPIRE, NOT_INTEGER } from '../errors.ts';
import { string2ll } from '../numbers.ts';
import type { Reply } from '../reply.ts';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/**
 * EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key n [NX|XX|GT|LT] (expireGenericCommand).
 * `base` is 0 for the *AT forms, else the command time; `seconds` scales n.
 * Propagated as PEXPIREAT <absolute ms>, or DEL when the deadline is past.
 */
export function expireGeneric(ctx: Context, argv: string[], relative: boolean, seconds: boolean): Reply {
  let nx = false, xx = false, gt = false, lt = false;
  for (let j = 3; j < argv.length; j++) {
    const o = argv[j].toLowerCase();
    if (o === 'nx') nx = true;
    else if (o === 'xx') xx = true;
    else if (o === 'gt') gt = true;
    else if (o === 'lt') lt = true;
    else return err(`ERR Unsupported option ${argv[j]}`);
  }
  if ((nx && xx) || (nx && gt) || (nx && lt)) {
    return err('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (gt && lt) return err('ERR GT and LT options at the same time are not compatible');
  let when = string2ll(argv[2]);
  if (when === null) return NOT_INTEGER;
  const name = argv[0].toLowerCase();
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return INVALID_EXPIRE(name);
    when *= 1000n;
  }
  const base = relative ? BigInt(ctx.now) : 0n;
  if (when > LLONG_MAX - base) return INVALID_EXPIRE(name);
  when += base;
  const db = ctx.db;
  const key = argv[1];
  if (db.lookup(key) === undefined) return 0;
  if (nx || xx || gt || lt) {
    const cur = db.getExpire(key);
    if (nx && cur !== -1) return 0;
    if (xx && cur === -1) return 0;
    if (gt && (cur === -1 || when <= BigInt(cur))) return 0;
    if (lt && cur !== -1 && when >= BigInt(cur)) return 0;
  }
  if (when <= BigInt(ctx.now) && !ctx.engine.loading) {
    db.delete(key);
    ctx.propagate(['DEL', key]);
    ctx.dirty();
    return 1;
  }
  db.setExpire(key, Number(when));
  ctx.propagate(['PEXPIREAT', key, String(when), ...argv.slice(3)]);
  ctx.dirty();
  return 1;
}

/** EXPIRE key seconds [NX|XX|GT|LT] */
export const expire = command({
  name: 'expire',
  arity: -3,
  flags: ['write', 'fast'],
  run: (ctx, argv) => expireGeneric(ctx, argv, true, true),
});

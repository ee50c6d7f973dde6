import { command, type Context } from '../command.ts';
import { INVALID_EXPIRE, NOT_INTEGER, SYNTAX } from '../errors.ts';
import { string2ll } from '../numbers.ts';
import { ErrorReply, OK, type Reply } from '../reply.ts';

const LLONG_MAX = 9223372036854775807n;

export interface SetOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  /** EX/PX/EXAT/PXAT argument and unit. */
  expire?: string;
  unit: 'ex' | 'px' | 'exat' | 'pxat';
}

/** SET's options, parsed as parseExtendedStringArgumentsOrReply (conflicts are syntax errors). */
export function parseSetOptions(argv: string[]): SetOptions | ErrorReply {
  const o: SetOptions = { nx: false, xx: false, get: false, keepTtl: false, unit: 'ex' };
  let timed = '';
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const hasNext = j < argv.length - 1;
    if (opt === 'nx' && !o.xx) o.nx = true;
    else if (opt === 'xx' && !o.nx) o.xx = true;
    else if (opt === 'get') o.get = true;
    else if (opt === 'keepttl' && !timed) o.keepTtl = true;
    else if ((opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat') && !o.keepTtl && (!timed || timed === opt) && hasNext) {
      timed = opt;
      o.unit = opt;
      o.expire = argv[++j];
    } else return SYNTAX;
  }
  return o;
}

/** The absolute deadline in ms for EX/PX/EXAT/PXAT (getExpireMillisecondsOrReply). */
export function expireMs(ctx: Context, arg: string, unit: SetOptions['unit'], cmd: string): bigint | ErrorReply {
  let ms = string2ll(arg);
  if (ms === null) return NOT_INTEGER;
  const seconds = unit === 'ex' || unit === 'exat';
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) return INVALID_EXPIRE(cmd.toLowerCase());
  if (seconds) ms *= 1000n;
  if (unit === 'ex' || unit === 'px') ms += BigInt(ctx.now);
  if (ms > LLONG_MAX) return INVALID_EXPIRE(cmd.toLowerCase());
  return ms;
}

/**
 * setGenericCommand: shared by SET, SETNX, SETEX, PSETEX. Writes with a
 * deadline propagate as SET key value PXAT <ms>.
 */
export function setGeneric(
  ctx: Context,
  argv: string[],
  key: string,
  value: string,
  o: SetOptions,
  okReply: Reply = OK,
  abortReply: Reply = null,
): Reply {
  let when: bigint | undefined;
  if (o.expire !== undefined) {
    const w = expireMs(ctx, o.expire, o.unit, argv[0]);
    if (w instanceof ErrorReply) return w;
    when = w;
  }
  let old: Reply = null;
  if (o.get) {
    const cur = ctx.db.lookupString(key);
    if (cur instanceof ErrorReply) return cur;
    old = cur ?? null;
  }
  if (o.nx || o.xx) {
    const found = ctx.db.lookup(key) !== undefined;
    if ((o.nx && found) || (o.xx && !found)) return o.get ? old : abortReply;
  } else if (ctx.db.expires.size !== 0) {
    // No condition to test: only lookupKeyWrite's side effect, expiring the old value.
    ctx.db.expireIfNeeded(key);
  }
  ctx.db.set(key, value, o.keepTtl);
  ctx.dirty();
  if (when !== undefined) {
    ctx.db.setExpire(key, Number(when));
    ctx.propagate(['SET', key, value, 'PXAT', String(when)]);
  } else if (o.get) {
    ctx.propagate(argv.filter((a, j) => j < 3 || a.toLowerCase() !== 'get'));
  }
  return o.get ? old : okReply;
}

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL] */
export const set = command({
  name: 'set',
  arity: -3,
  flags: ['write', 'denyoom'],
  run(ctx, argv) {
    const o = parseSetOptions(argv);
    if (o instanceof ErrorReply) return o;
    return setGeneric(ctx, argv, argv[1], argv[2], o);
  },
});

/**
 * EVAL / EVAL_RO / EVALSHA / EVALSHA_RO script numkeys [key ...] [arg ...]
 * (eval.c: evalGenericCommand). The script runs atomically; see
 * scripting/index.ts for propagation and runaway scripts.
 */
import { command, type Context } from '../command.ts';
import { NOSCRIPT, NOT_INTEGER, err } from '../errors.ts';
import { string2llNum } from '../numbers.ts';
import { ErrorReply, type Reply } from '../reply.ts';
import { scriptingOf, sha1hex } from '../scripting/index.ts';

function evalGeneric(ctx: Context, argv: string[], bySha: boolean, ro: boolean): Reply {
  if (bySha && argv[1].length !== 40) return NOSCRIPT;
  const numkeys = string2llNum(argv[2]);
  if (numkeys === null) return NOT_INTEGER;
  if (numkeys > argv.length - 3) return err("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0) return err("ERR Number of keys can't be negative");
  const scripting = scriptingOf(ctx.engine);
  let script = scripting.get(bySha ? argv[1].toLowerCase() : sha1hex(argv[1]));
  if (script === undefined) {
    if (bySha) return NOSCRIPT;
    const loaded = scripting.load(argv[1]);
    if (loaded instanceof ErrorReply) return loaded;
    script = loaded;
  }
  const keys = argv.slice(3, 3 + numkeys);
  const args = argv.slice(3 + numkeys);
  return scripting.run(ctx.session, script, keys, args, ro);
}

const spec = (name: string, bySha: boolean, ro: boolean) =>
  command({
    name,
    arity: -3,
    flags: ['noscript', 'stale'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    run: (ctx, argv) => evalGeneric(ctx, argv, bySha, ro),
  });

export const evalCmd = spec('eval', false, false);
export const evalRo = spec('eval_ro', false, true);
export const evalsha = spec('evalsha', true, false);
export const evalshaRo = spec('evalsha_ro', true, true);

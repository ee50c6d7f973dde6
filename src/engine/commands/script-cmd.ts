/** SCRIPT LOAD | EXISTS | FLUSH | KILL | HELP (eval.c: scriptCommand). */
import { command, container } from '../command.ts';
import { err } from '../errors.ts';
import { ErrorReply, OK, SimpleString } from '../reply.ts';
import { scriptingOf } from '../scripting/index.ts';

const load = command({
  name: 'script|load',
  arity: 3,
  flags: ['noscript', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    const script = scriptingOf(ctx.engine).load(argv[2]);
    return script instanceof ErrorReply ? script : script.sha;
  },
});

const exists = command({
  name: 'script|exists',
  arity: -3,
  flags: ['noscript', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    const s = scriptingOf(ctx.engine);
    return argv.slice(2).map((sha) => (s.has(sha) ? 1 : 0));
  },
});

const flush = command({
  name: 'script|flush',
  arity: -2,
  flags: ['noscript'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    if (argv.length > 3 || (argv.length === 3 && !['sync', 'async'].includes(argv[2].toLowerCase()))) {
      return err('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    }
    scriptingOf(ctx.engine).flush();
    return OK;
  },
});

// A script holds the engine's thread while it runs, so no client can ever
// reach SCRIPT KILL during one (runaway scripts are stopped by the VM's hook).
const kill = command({
  name: 'script|kill',
  arity: 2,
  flags: ['noscript'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: () => err('NOTBUSY No scripts in execution right now.'),
});

const HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

const help = command({
  name: 'script|help',
  arity: 2,
  flags: ['stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: () => HELP.map((l) => new SimpleString(l)),
});

export const scriptCmd = container('script', -2, [load, exists, flush, kill, help], ['noscript']);

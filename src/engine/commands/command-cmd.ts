/**
 * COMMAND [COUNT | INFO name ... | DOCS [name ...] | LIST | GETKEYS | HELP]
 * built from the engine's command table, in Redis 7.0's reply shapes.
 */
import { command, container, type CommandSpec } from '../command.ts';
import type { Engine } from '../engine.ts';
import { err } from '../errors.ts';
import { MapReply, SimpleString, type Reply } from '../reply.ts';
import { helpReply } from './xgroup.ts';

function infoOf(c: CommandSpec): Reply {
  const subs = c.subcommands ? [...c.subcommands.values()].map(infoOf) : [];
  return [
    c.name,
    c.arity,
    c.flags.map((f) => new SimpleString(f)),
    c.firstKey,
    c.lastKey,
    c.step,
    [],
    [],
    [],
    subs,
  ];
}

function all(e: Engine): CommandSpec[] {
  return [...e.commands.values()];
}

const count = command({ name: 'command|count', arity: 2, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, step: 0, run: (ctx) => ctx.engine.commands.size });

const info = command({
  name: 'command|info',
  arity: -2,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    if (argv.length === 2) return all(ctx.engine).map(infoOf);
    return argv.slice(2).map((n) => {
      const c = ctx.engine.lookup(n.split('|'));
      return c instanceof Object && 'run' in c ? infoOf(c) : null;
    });
  },
});

const docs = command({
  name: 'command|docs',
  arity: -2,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    const cmds = argv.length === 2 ? all(ctx.engine) : argv.slice(2).flatMap((n) => {
      const c = ctx.engine.commands.get(n.toLowerCase());
      return c ? [c] : [];
    });
    const out: Reply[] = [];
    for (const c of cmds) out.push(c.name, new MapReply(['summary', `The ${c.name.toUpperCase()} command.`, 'since', '1.0.0', 'group', 'generic']));
    return new MapReply(out);
  },
});

const list = command({
  name: 'command|list',
  arity: -2,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: (ctx) => all(ctx.engine).map((c) => c.name),
});

const getkeys = command({
  name: 'command|getkeys',
  arity: -3,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    const target = argv.slice(2);
    const c = ctx.engine.lookup(target);
    if (!('run' in c)) return err('ERR Invalid command specified');
    if ((c.arity > 0 && c.arity !== target.length) || target.length < -c.arity) {
      return err('ERR Invalid number of arguments specified for command');
    }
    if (c.firstKey === 0) return err('ERR The command has no key arguments');
    const last = c.lastKey < 0 ? target.length + c.lastKey : c.lastKey;
    const keys: string[] = [];
    for (let i = c.firstKey; i <= last && i < target.length; i += c.step || 1) keys.push(target[i]);
    return keys;
  },
});

const help = command({
  name: 'command|help',
  arity: 2,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: () =>
    helpReply([
      'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      '(no subcommand)', '    Return details about all Redis commands.',
      'COUNT', '    Return the total number of commands in this Redis server.',
      'LIST', '    Return a list of all commands in this Redis server.',
      'INFO [<command-name> ...]', '    Return details about multiple Redis commands.',
      'DOCS [<command-name> ...]', '    Return documentation details about multiple Redis commands.',
      'GETKEYS <full-command>', '    Return the keys from a full Redis command.',
      'HELP', '    Prints this help.',
    ]),
});

export const commandCmd = container('command', -1, [count, info, docs, list, getkeys, help], ['loading', 'stale'], (ctx) =>
  all(ctx.engine).map(infoOf),
);

/** CONFIG GET pattern [pattern ...] | SET name value [name value ...] | RESETSTAT | REWRITE | HELP */
import { command, container } from '../command.ts';
import { err } from '../errors.ts';
import { globMatch } from '../glob.ts';
import { MapReply, OK } from '../reply.ts';
import { helpReply } from './xgroup.ts';

const get = command({
  name: 'config|get',
  arity: -3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const pattern of argv.slice(2)) {
      for (const name of ctx.engine.config.names()) {
        if (!seen.has(name) && globMatch(pattern.toLowerCase(), name, true)) {
          seen.add(name);
          out.push(name, ctx.engine.config.get(name)!);
        }
      }
    }
    return new MapReply(out);
  },
});

const set = command({
  name: 'config|set',
  arity: -4,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    if (argv.length % 2 !== 0) return err("ERR wrong number of arguments for 'config|set' command");
    // Validate everything first, so a bad pair changes nothing.
    const names = new Set<string>();
    for (let i = 2; i < argv.length; i += 2) {
      const n = argv[i].toLowerCase();
      if (names.has(n)) return err(`ERR CONFIG SET failed (possibly related to argument '${argv[i]}') - duplicate parameter`);
      names.add(n);
      if (ctx.engine.config.get(n) === undefined) return err(`ERR Unknown option or number of arguments for CONFIG SET - '${argv[i]}'`);
    }
    const before = argv.slice(2).filter((_, i) => i % 2 === 0).map((n) => [n, ctx.engine.config.get(n)!] as const);
    for (let i = 2; i < argv.length; i += 2) {
      const e = ctx.engine.config.set(argv[i], argv[i + 1]);
      if (e) {
        for (const [n, v] of before) ctx.engine.config.set(n, v);
        return e;
      }
    }
    ctx.engine.configChanged(names);
    return OK;
  },
});

const resetstat = command({
  name: 'config|resetstat',
  arity: 2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx) {
    const st = ctx.engine.stats;
    st.commands.clear();
    st.errors.clear();
    st.totalCommands = 0;
    st.totalErrorReplies = 0;
    st.expiredKeys = 0;
    st.totalConnections = 0;
    st.rejectedCalls = 0;
    return OK;
  },
});

const rewrite = command({
  name: 'config|rewrite',
  arity: 2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: () => err('ERR The server is running without a config file'),
});

const help = command({
  name: 'config|help',
  arity: 2,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: () =>
    helpReply([
      'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'GET <pattern>', '    Return parameters matching the glob-like <pattern> and their values.',
      'SET <directive> <value>', '    Set the configuration <directive> to <value>.',
      'RESETSTAT', '    Reset statistics reported by the INFO command.',
      'REWRITE', '    Rewrite the configuration file.',
      'HELP', '    Prints this help.',
    ]),
});

export const config = container('config', -2, [get, set, resetstat, rewrite, help]);

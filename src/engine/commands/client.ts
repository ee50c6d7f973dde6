/**
 * CLIENT ID | SETNAME | GETNAME | LIST | INFO | KILL | UNBLOCK | NO-EVICT | HELP
 * The connection facts (addr, fd) are kept by the RESP server in session.info;
 * in-process sessions show none.
 */
import { command, container } from '../command.ts';
import { err, NOT_INTEGER, SYNTAX } from '../errors.ts';
import { string2llNum } from '../numbers.ts';
import { ErrorReply, OK, type Reply } from '../reply.ts';
import type { Session } from '../session.ts';
import { helpReply } from './xgroup.ts';

/** Names may not contain spaces, newlines or other special characters (codes 33..126 only). */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/** One CLIENT LIST line (without the trailing newline), fields as in Redis 7.0. */
export function clientLine(s: Session, now: number): string {
  const i = s.info as { addr?: string; laddr?: string; fd?: number };
  const flags = (s.multi !== null ? 'x' : '') + (s.blocked ? 'b' : '') + (s.channels.size || s.patterns.size ? 'P' : '') || 'N';
  return [
    `id=${s.id}`, `addr=${i.addr ?? '127.0.0.1:0'}`, `laddr=${i.laddr ?? '127.0.0.1:0'}`, `fd=${i.fd ?? -1}`,
    `name=${s.name}`, `age=${Math.floor((now - s.createdAt) / 1000)}`, `idle=${Math.floor((now - s.lastInteraction) / 1000)}`,
    `flags=${flags}`, `db=${s.dbIndex}`, `sub=${s.channels.size}`, `psub=${s.patterns.size}`, 'ssub=0',
    `multi=${s.multi === null ? -1 : s.multi.length}`, 'qbuf=0', 'qbuf-free=0', 'argv-mem=0', 'multi-mem=0', 'rbs=0',
    'rbp=0', 'obl=0', 'oll=0', 'omem=0', 'tot-mem=0', 'events=r', `cmd=${s.lastCommand}`, 'user=default',
    'redir=-1', `resp=${s.resp}`,
  ].join(' ');
}

const id = command({ name: 'client|id', arity: 2, flags: ['noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, step: 0, run: (ctx) => ctx.session.id });

const setname = command({
  name: 'client|setname',
  arity: 3,
  flags: ['noscript', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    if (!validClientName(argv[2])) return err('ERR Client names cannot contain spaces, newlines or special characters.');
    ctx.session.name = argv[2];
    return OK;
  },
});

const getname = command({
  name: 'client|getname',
  arity: 2,
  flags: ['noscript', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: (ctx) => (ctx.session.name === '' ? null : ctx.session.name),
});

const list = command({
  name: 'client|list',
  arity: -2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    let sessions = [...ctx.engine.sessions.values()];
    if (argv.length > 2) {
      const opt = argv[2].toLowerCase();
      if (opt === 'id' && argv.length > 3) {
        const ids = new Set<number>();
        for (const a of argv.slice(3)) {
          const n = string2llNum(a);
          if (n === null || n < 1) return err('ERR Invalid client ID');
          ids.add(n);
        }
        sessions = sessions.filter((s) => ids.has(s.id));
      } else if (opt === 'type' && argv.length === 4) {
        const t = argv[3].toLowerCase();
        if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) return err(`ERR Unknown client type '${argv[3]}'`);
        sessions = sessions.filter((s) => (t === 'pubsub' ? s.channels.size + s.patterns.size > 0 : t === 'normal' ? s.channels.size + s.patterns.size === 0 : false));
      } else {
        return SYNTAX;
      }
    }
    return sessions.map((s) => clientLine(s, ctx.now) + '\n').join('');
  },
});

const info = command({
  name: 'client|info',
  arity: 2,
  flags: ['noscript', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: (ctx) => clientLine(ctx.session, ctx.now) + '\n',
});

const kill = command({
  name: 'client|kill',
  arity: -3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv): Reply {
    const all = [...ctx.engine.sessions.values()];
    const close = (s: Session) => {
      const k = s.info.kill as (() => void) | undefined;
      if (k) k();
      else s.close();
    };
    if (argv.length === 3) {
      const victim = all.find((s) => s.info.addr === argv[2]);
      if (!victim) return err('ERR No such client');
      close(victim);
      return OK;
    }
    let victims = all;
    let skipme = true;
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i].toLowerCase();
      const v = argv[i + 1];
      if (v === undefined) return SYNTAX;
      if (opt === 'id') {
        const n = string2llNum(v);
        if (n === null || n < 1) return err('ERR client-id should be greater than 0');
        victims = victims.filter((s) => s.id === n);
      } else if (opt === 'addr') victims = victims.filter((s) => s.info.addr === v);
      else if (opt === 'laddr') victims = victims.filter((s) => s.info.laddr === v);
      else if (opt === 'user') victims = victims.filter(() => v === 'default');
      else if (opt === 'skipme') {
        const l = v.toLowerCase();
        if (l !== 'yes' && l !== 'no') return SYNTAX;
        skipme = l === 'yes';
      } else if (opt === 'type') {
        const t = v.toLowerCase();
        victims = victims.filter((s) => (t === 'pubsub' ? s.channels.size + s.patterns.size > 0 : t === 'normal'));
      } else return SYNTAX;
    }
    if (skipme) victims = victims.filter((s) => s !== ctx.session);
    for (const s of victims) close(s);
    return victims.length;
  },
});

const unblock = command({
  name: 'client|unblock',
  arity: -3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    const n = string2llNum(argv[2]);
    if (n === null) return NOT_INTEGER;
    let asError = false;
    if (argv.length === 4) {
      const o = argv[3].toLowerCase();
      if (o === 'error') asError = true;
      else if (o !== 'timeout') return err('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    } else if (argv.length > 4) return SYNTAX;
    const s = ctx.engine.sessions.get(n);
    if (!s || !s.blocked) return 0;
    s.unblock(asError ? new ErrorReply('UNBLOCKED client unblocked via CLIENT UNBLOCK') : undefined);
    return 1;
  },
});

const noEvict = command({
  name: 'client|no-evict',
  arity: 3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(_ctx, argv) {
    const o = argv[2].toLowerCase();
    return o === 'on' || o === 'off' ? OK : SYNTAX;
  },
});

const help = command({
  name: 'client|help',
  arity: 2,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: () =>
    helpReply([
      'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'GETNAME', '    Return the name of the current connection.',
      'ID', '    Return the ID of the current connection.',
      'INFO', '    Return information about the current client connection.',
      'KILL <ip:port>', '    Kill connection made from <ip:port>.',
      'KILL <option> <value> [<option> <value> [...]]', '    Kill connections. Options are: ID, ADDR, LADDR, USER, TYPE, SKIPME.',
      'LIST [options ...]', '    Return information about client connections.',
      'SETNAME <name>', '    Assign the name <name> to the current connection.',
      'UNBLOCK <clientid> [TIMEOUT|ERROR]', '    Unblock the specified blocked client.',
      'HELP', '    Prints this help.',
    ]),
});

export const client = container('client', -2, [id, setname, getname, list, info, kill, unblock, noEvict, help]);

/**
 * XGROUP CREATE | SETID | DESTROY | CREATECONSUMER | DELCONSUMER | HELP
 * (xgroupCommand). Options are parsed before the key is looked up, as Redis.
 */
import { command, container, type Context } from '../command.ts';
import { err, INVALID_STREAM_ID, NOT_INTEGER } from '../errors.ts';
import { string2ll } from '../numbers.ts';
import { ErrorReply, OK, SimpleString, type Reply } from '../reply.ts';
import { ConsumerGroup, INVALID_ENTRIES_READ } from '../stream/group.ts';
import { parseId, type StreamId } from '../stream/id.ts';
import { StreamValue } from '../stream/stream.ts';

function subSyntax(argv: string[]): ErrorReply {
  return err(
    `ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try ${argv[0].toUpperCase()} HELP.`,
  );
}

interface GroupTarget {
  s: StreamValue | undefined;
  group: ConsumerGroup | undefined;
  mkstream: boolean;
  entriesRead: bigint;
}

/** The shared prelude of every subcommand but HELP: options, key and group checks. */
function prelude(ctx: Context, argv: string[]): GroupTarget | ErrorReply {
  const sub = argv[1].toLowerCase();
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  for (let i = 5; i < argv.length; ) {
    const o = argv[i].toLowerCase();
    if (sub === 'create' && o === 'mkstream') {
      mkstream = true;
      i++;
    } else if ((sub === 'create' || sub === 'setid') && o === 'entriesread' && i + 1 < argv.length) {
      const n = string2ll(argv[i + 1]);
      if (n === null) return NOT_INTEGER;
      if (n < 0n && n !== INVALID_ENTRIES_READ) return err('ERR value for ENTRIESREAD must be positive or -1');
      entriesRead = n;
      i += 2;
    } else {
      return subSyntax(argv);
    }
  }
  const s = ctx.db.lookupTyped(argv[2], 'stream');
  if (s instanceof ErrorReply) return s;
  const group = s?.groups?.get(argv[3]);
  if (!mkstream) {
    if (s === undefined) {
      return err(
        'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
      );
    }
    if (group === undefined && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) {
      return err(`NOGROUP No such consumer group '${argv[3]}' for key name '${argv[2]}'`);
    }
  }
  return { s, group, mkstream, entriesRead };
}

function groupId(s: StreamValue | undefined, arg: string, strict: boolean): StreamId | ErrorReply {
  if (arg === '$') return s ? s.lastId : { ms: 0n, seq: 0n };
  const id = parseId(arg, 0n, strict);
  return id === null ? INVALID_STREAM_ID : { ms: id.ms, seq: id.seq };
}

const create = command({
  name: 'xgroup|create',
  arity: -5,
  flags: ['write', 'denyoom'],
  firstKey: 2,
  lastKey: 2,
  run(ctx, argv): Reply {
    if (argv.length > 8) return subSyntax(argv);
    const t = prelude(ctx, argv);
    if (t instanceof ErrorReply) return t;
    const id = groupId(t.s, argv[4], true);
    if (id instanceof ErrorReply) return id;
    let s = t.s;
    if (s === undefined) {
      s = new StreamValue({ maxEntries: ctx.engine.config.streamNodeMaxEntries, maxBytes: ctx.engine.config.streamNodeMaxBytes });
      ctx.db.add(argv[2], s);
    }
    s.groups ??= new Map();
    if (s.groups.has(argv[3])) return err('BUSYGROUP Consumer Group name already exists');
    s.groups.set(argv[3], new ConsumerGroup(argv[3], id, t.entriesRead));
    ctx.dirty();
    return OK;
  },
});

const setid = command({
  name: 'xgroup|setid',
  arity: -5,
  flags: ['write'],
  firstKey: 2,
  lastKey: 2,
  run(ctx, argv): Reply {
    if (argv.length !== 5 && argv.length !== 7) return subSyntax(argv);
    const t = prelude(ctx, argv);
    if (t instanceof ErrorReply) return t;
    if (t.s === undefined || t.group === undefined) return subSyntax(argv);
    const id = groupId(t.s, argv[4], false);
    if (id instanceof ErrorReply) return id;
    t.group.lastId = id;
    t.group.entriesRead = t.entriesRead;
    ctx.dirty();
    return OK;
  },
});

const destroy = command({
  name: 'xgroup|destroy',
  arity: 4,
  flags: ['write'],
  firstKey: 2,
  lastKey: 2,
  run(ctx, argv): Reply {
    const t = prelude(ctx, argv);
    if (t instanceof ErrorReply) return t;
    if (t.s === undefined || t.group === undefined) return 0;
    t.s.groups!.delete(argv[3]);
    ctx.dirty();
    // Blocked XREADGROUP readers of this group get NOGROUP.
    ctx.ready(argv[2]);
    return 1;
  },
});

const createconsumer = command({
  name: 'xgroup|createconsumer',
  arity: 5,
  flags: ['write', 'denyoom'],
  firstKey: 2,
  lastKey: 2,
  run(ctx, argv): Reply {
    const t = prelude(ctx, argv);
    if (t instanceof ErrorReply) return t;
    const created = t.group!.createConsumer(argv[4], ctx.now);
    if (created) ctx.dirty();
    return created ? 1 : 0;
  },
});

const delconsumer = command({
  name: 'xgroup|delconsumer',
  arity: 5,
  flags: ['write'],
  firstKey: 2,
  lastKey: 2,
  run(ctx, argv): Reply {
    const t = prelude(ctx, argv);
    if (t instanceof ErrorReply) return t;
    const c = t.group!.lookupConsumer(argv[4], ctx.now, false);
    if (c === undefined) return 0;
    const pending = t.group!.deleteConsumer(c);
    ctx.dirty();
    return pending;
  },
});

const HELP = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

/** The HELP text as addReplyHelp sends it: status lines. */
export function helpReply(lines: string[]): Reply {
  return lines.map((l) => new SimpleString(l));
}

const help = command({
  name: 'xgroup|help',
  arity: 2,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: () => helpReply(HELP),
});

export const xgroup = container('xgroup', -2, [create, setid, destroy, createconsumer, delconsumer, help]);

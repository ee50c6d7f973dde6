/**
 * XINFO STREAM [FULL [COUNT n]] | GROUPS | CONSUMERS | HELP.
 *
 * radix-tree-keys is the number of storage nodes (equal to Redis's for the
 * same history, since node boundaries match). radix-tree-nodes describes
 * Redis's radix tree, which brook does not have: it is reported as
 * keys + 1, an approximation that differs from Redis's figure.
 */
import { command, container, type Context } from '../command.ts';
import { err, NO_SUCH_KEY, NOT_INTEGER } from '../errors.ts';
import { string2llNum } from '../numbers.ts';
import { ErrorReply, MapReply, type Reply } from '../reply.ts';
import { entryReply } from '../stream/args.ts';
import { groupLag, INVALID_ENTRIES_READ, int, sortedGroups } from '../stream/group.ts';
import { formatId, MAX_ID, MIN_ID } from '../stream/id.ts';
import { keyId } from '../stream/pel.ts';
import type { StreamValue } from '../stream/stream.ts';
import { helpReply } from './xgroup.ts';

function subSyntax(argv: string[]): ErrorReply {
  return err(
    `ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try ${argv[0].toUpperCase()} HELP.`,
  );
}

function lookup(ctx: Context, key: string): StreamValue | ErrorReply {
  const s = ctx.db.lookupTyped(key, 'stream');
  return s === undefined ? NO_SUCH_KEY : s;
}

function streamInfo(ctx: Context, argv: string[]): Reply {
  const s = lookup(ctx, argv[2]);
  if (s instanceof ErrorReply) return s;
  const opts = argv.slice(3);
  let full = false;
  let count = 10;
  if (opts.length > 0) {
    if (opts.length !== 1 && opts.length !== 3) return subSyntax(argv);
    if (opts[0].toLowerCase() !== 'full') return subSyntax(argv);
    if (opts.length === 3) {
      if (opts[1].toLowerCase() !== 'count') return subSyntax(argv);
      const n = string2llNum(opts[2]);
      if (n === null) return NOT_INTEGER;
      count = n < 0 ? 10 : n;
    }
    full = true;
  }
  const out: Reply[] = [
    'length', s.length,
    'radix-tree-keys', s.nodeCount,
    'radix-tree-nodes', s.nodeCount + 1,
    'last-generated-id', formatId(s.lastId),
    'max-deleted-entry-id', formatId(s.maxDeletedId),
    'entries-added', int(s.entriesAdded),
    'recorded-first-entry-id', formatId(s.firstId),
  ];
  if (!full) {
    const first = s.range(MIN_ID, MAX_ID).next();
    const last = s.range(MIN_ID, MAX_ID, true).next();
    out.push(
      'groups', s.groups?.size ?? 0,
      'first-entry', first.done ? null : entryReply(first.value),
      'last-entry', last.done ? null : entryReply(last.value),
    );
    return new MapReply(out);
  }
  const entries: Reply[] = [];
  for (const e of s.range(MIN_ID, MAX_ID)) {
    entries.push(entryReply(e));
    if (count && entries.length >= count) break;
  }
  const groups: Reply[] = [];
  for (const g of sortedGroups(s)) {
    const pending: Reply[] = [];
    for (const [key, nack] of g.pel.entriesFrom()) {
      if (count && pending.length >= count) break;
      pending.push([formatId(keyId(key)), nack.consumer!.name, nack.deliveryTime, nack.deliveryCount]);
    }
    const consumers: Reply[] = [];
    for (const c of g.sortedConsumers()) {
      const cp: Reply[] = [];
      for (const [key, nack] of c.pel.entriesFrom()) {
        if (count && cp.length >= count) break;
        cp.push([formatId(keyId(key)), nack.deliveryTime, nack.deliveryCount]);
      }
      consumers.push(new MapReply(['name', c.name, 'seen-time', c.seenTime, 'pel-count', c.pel.size, 'pending', cp]));
    }
    const lag = groupLag(s, g);
    groups.push(
      new MapReply([
        'name', g.name,
        'last-delivered-id', formatId(g.lastId),
        'entries-read', g.entriesRead === INVALID_ENTRIES_READ ? null : int(g.entriesRead),
        'lag', lag === null ? null : int(lag),
        'pel-count', g.pel.size,
        'pending', pending,
        'consumers', consumers,
      ]),
    );
  }
  out.push('entries', entries, 'groups', groups);
  return new MapReply(out);
}

const stream = command({
  name: 'xinfo|stream',
  arity: -3,
  flags: ['readonly'],
  firstKey: 2,
  lastKey: 2,
  run: streamInfo,
});

const groups = command({
  name: 'xinfo|groups',
  arity: 3,
  flags: ['readonly'],
  firstKey: 2,
  lastKey: 2,
  run(ctx, argv) {
    const s = lookup(ctx, argv[2]);
    if (s instanceof ErrorReply) return s;
    return sortedGroups(s).map((g) => {
      const lag = groupLag(s, g);
      return new MapReply([
        'name', g.name,
        'consumers', g.consumers.size,
        'pending', g.pel.size,
        'last-delivered-id', formatId(g.lastId),
        'entries-read', g.entriesRead === INVALID_ENTRIES_READ ? null : int(g.entriesRead),
        'lag', lag === null ? null : int(lag),
      ]);
    });
  },
});

const consumers = command({
  name: 'xinfo|consumers',
  arity: 4,
  flags: ['readonly'],
  firstKey: 2,
  lastKey: 2,
  run(ctx, argv) {
    const s = lookup(ctx, argv[2]);
    if (s instanceof ErrorReply) return s;
    const g = s.groups?.get(argv[3]);
    if (g === undefined) return err(`NOGROUP No such consumer group '${argv[3]}' for key name '${argv[2]}'`);
    return g.sortedConsumers().map((c) => {
      const idle = ctx.now - c.seenTime;
      return new MapReply(['name', c.name, 'pending', c.pel.size, 'idle', idle < 0 ? 0 : idle]);
    });
  },
});

const HELP = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

const help = command({
  name: 'xinfo|help',
  arity: 2,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: () => helpReply(HELP),
});

export const xinfo = container('xinfo', -2, [stream, groups, consumers, help]);

/**
 * PUBLISH channel message: delivered to the channel's subscribers, then to
 * the subscribers of each matching pattern; replies the number of
 * deliveries. Like Redis 7.0, PUBLISH is not written to the append-only
 * file. PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT | HELP.
 */
import { command, container } from '../command.ts';
import { globMatch } from '../glob.ts';
import { MapReply, PushReply, SimpleString } from '../reply.ts';

export const publish = command({
  name: 'publish',
  arity: 3,
  flags: ['pubsub', 'loading', 'stale', 'fast'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    const [, channel, message] = argv;
    let receivers = 0;
    const sessions = [...ctx.engine.sessions.values()];
    for (const s of sessions) {
      if (!s.channels.has(channel)) continue;
      receivers++;
      s.onPush?.(new PushReply(['message', channel, message]));
    }
    for (const s of sessions) {
      for (const p of s.patterns) {
        if (!globMatch(p, channel, false)) continue;
        receivers++;
        s.onPush?.(new PushReply(['pmessage', p, channel, message]));
      }
    }
    return receivers;
  },
});

const channels = command({
  name: 'pubsub|channels',
  arity: -2,
  flags: ['pubsub', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    const active = new Set<string>();
    for (const s of ctx.engine.sessions.values()) for (const c of s.channels) active.add(c);
    const pattern = argv[2];
    return [...active].filter((c) => pattern === undefined || globMatch(pattern, c, false));
  },
});

const numsub = command({
  name: 'pubsub|numsub',
  arity: -2,
  flags: ['pubsub', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    const out = [];
    for (const c of argv.slice(2)) {
      let n = 0;
      for (const s of ctx.engine.sessions.values()) if (s.channels.has(c)) n++;
      out.push(c, n);
    }
    return new MapReply(out);
  },
});

const numpat = command({
  name: 'pubsub|numpat',
  arity: 2,
  flags: ['pubsub', 'loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: (ctx) => ctx.engine.pubsubCounts().patterns,
});

const HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

const help = command({
  name: 'pubsub|help',
  arity: 2,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: () => HELP.map((l) => new SimpleString(l)),
});

export const pubsub = container('pubsub', -2, [channels, numsub, numpat, help]);

/**
 * SUBSCRIBE / UNSUBSCRIBE / PSUBSCRIBE / PUNSUBSCRIBE (pubsub.c). Each
 * channel gets its own confirmation, [kind, channel, subscriptions]: all
 * but the last go out through the session's push callback, the last is
 * the command's reply, so a connection sees them in order. They are push
 * replies: arrays in RESP2, `>` pushes in RESP3.
 */
import { command, type Context } from '../command.ts';
import { err } from '../errors.ts';
import { PushReply, type Reply } from '../reply.ts';
import type { Session } from '../session.ts';

function count(s: Session): number {
  return s.channels.size + s.patterns.size;
}

function confirm(ctx: Context, confirmations: PushReply[]): Reply {
  const last = confirmations.pop() as PushReply;
  for (const c of confirmations) ctx.session.onPush?.(c);
  return last;
}

function subscribeGeneric(ctx: Context, argv: string[], pattern: boolean): Reply {
  const s = ctx.session;
  if (s.denyBlocking && s.multi === null) {
    return err(`ERR ${pattern ? 'PSUBSCRIBE' : 'SUBSCRIBE'} isn't allowed for a DENY BLOCKING client`);
  }
  const set = pattern ? s.patterns : s.channels;
  const out: PushReply[] = [];
  for (const name of argv.slice(1)) {
    set.add(name);
    out.push(new PushReply([pattern ? 'psubscribe' : 'subscribe', name, count(s)]));
  }
  return confirm(ctx, out);
}

function unsubscribeGeneric(ctx: Context, argv: string[], pattern: boolean): Reply {
  const s = ctx.session;
  const set = pattern ? s.patterns : s.channels;
  const kind = pattern ? 'punsubscribe' : 'unsubscribe';
  const names = argv.length > 1 ? argv.slice(1) : [...set];
  if (names.length === 0) return new PushReply([kind, null, count(s)]);
  const out: PushReply[] = [];
  for (const name of names) {
    set.delete(name);
    out.push(new PushReply([kind, name, count(s)]));
  }
  return confirm(ctx, out);
}

const spec = (name: string, arity: number, run: (ctx: Context, argv: string[]) => Reply) =>
  command({ name, arity, flags: ['pubsub', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, step: 0, run });

export const subscribe = spec('subscribe', -2, (ctx, argv) => subscribeGeneric(ctx, argv, false));
export const psubscribe = spec('psubscribe', -2, (ctx, argv) => subscribeGeneric(ctx, argv, true));
export const unsubscribe = spec('unsubscribe', -1, (ctx, argv) => unsubscribeGeneric(ctx, argv, false));
export const punsubscribe = spec('punsubscribe', -1, (ctx, argv) => unsubscribeGeneric(ctx, argv, true));

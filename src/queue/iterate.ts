/**
 * The `for await` style of a consumer (Consumer.messages()), built on
 * run(handler): the handler hands each message to the loop and settles
 * when the loop asks for the next one (then the message is acked) or leaves
 * early (then it is handed back: left pending, its delivery uncounted, for
 * any consumer to take at once; see Handling.afterFailure in handling.ts).
 */
import type { Handler, Message } from './message.ts';

/** What the handler of a loop that left early fails with; the consumer leaves such messages pending, counting no failure. */
export const HANDED_BACK = new Error('handed back: the for await loop left before finishing this message');

interface Runnable<T> {
  run(handler: Handler<T>): Promise<void>;
  stop(): Promise<void>;
}

export async function* messagesOf<T>(consumer: Runnable<T>): AsyncGenerator<Message<T>, void, undefined> {
  type Ready = { msg: Message<T>; settle: (handBack: boolean) => void };
  const ready: Ready[] = [];
  let wake: (() => void) | null = null;
  let leaving = false;
  let ended = false;
  const running = consumer.run(
    (msg) =>
      new Promise<void>((resolve, reject) => {
        if (leaving) return reject(HANDED_BACK);
        ready.push({ msg, settle: (back) => (back ? reject(HANDED_BACK) : resolve()) });
        wake?.();
      }),
  ).finally(() => {
    ended = true;
    wake?.();
  });
  running.catch(() => {}); // its failure is rethrown by the await in finally below, even while the loop's body runs
  let current: Ready | undefined;
  try {
    for (;;) {
      while (ready.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
      wake = null;
      current = ready.shift();
      if (current === undefined) break;
      yield current.msg;
      current.settle(false);
      current = undefined;
    }
  } finally {
    leaving = true;
    current?.settle(true);
    for (const r of ready.splice(0)) r.settle(true);
    void consumer.stop();
    await running;
  }
}

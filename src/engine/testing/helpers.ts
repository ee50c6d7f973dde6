/** Helpers for engine unit tests: an engine with a movable clock. */
import { Engine } from '../engine.ts';
import type { Reply } from '../reply.ts';
import type { Session } from '../session.ts';

export interface TestEngine {
  engine: Engine;
  session: Session;
  /** Current clock value (ms); assign to move time, backwards too. */
  clock: { now: number };
  /** Run a command that must not block. */
  run(...argv: string[]): Reply;
  close(): void;
}

export function testEngine(start = 1_700_000_000_000): TestEngine {
  const clock = { now: start };
  const engine = new Engine({ clock: () => clock.now, activeExpire: false });
  const session = engine.createSession();
  return {
    engine,
    session,
    clock,
    run(...argv: string[]): Reply {
      const r = session.call(argv);
      if (r instanceof Promise) throw new Error(`${argv[0]} blocked`);
      return r;
    },
    close: () => engine.close(),
  };
}

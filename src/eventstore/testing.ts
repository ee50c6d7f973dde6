/**
 * Given / when / then helpers for deciders and projections.
 *
 *   deciderSpec(decider).given([...events]).when(command).then([...events])
 *   deciderSpec(decider).given([...]).when(command).thenThrows(/already/)
 *   await projectionSpec(projection, connection).given([...events]).then(async (conn) => { ...asserts })
 */
import assert from 'node:assert/strict';
import type { Connection } from '../client/connection.ts';
import { fold, type Decider, type DomainEvent } from './decider.ts';
import type { Projection } from './projection.ts';
import type { SubscriptionContext } from './subscription.ts';
import type { RecordedEvent } from './types.ts';

export function deciderSpec<C, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return {
    given(events: E[]) {
      const state = fold(decider, structuredClone(decider.initialState), events);
      return {
        when(command: C) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: E[]): void {
              assert.deepEqual(run(), expected);
            },
            thenThrows(matcher: RegExp | (new (...a: any[]) => Error)): void {
              assert.throws(run, matcher as RegExp);
            },
            thenState(expected: S): void {
              assert.deepEqual(fold(decider, state, run()), expected);
            },
          };
        },
      };
    },
  };
}

/** Run a projection's handlers over events, applying their Redis writes, then check with `then`. */
export function projectionSpec(projection: Projection, connection: Connection) {
  return {
    given(events: Array<Pick<RecordedEvent, 'type' | 'data'> & Partial<RecordedEvent>>) {
      return {
        async then(check: (connection: Connection) => Promise<void> | void): Promise<void> {
          let version = 0;
          for (const e of events) {
            version++;
            const full: RecordedEvent = {
              stream: 'spec', version, id: `spec-${version}`, metadata: {}, schemaVersion: 1,
              timestamp: Date.now(), position: { partition: 0, logId: `0-${version}` }, ...e,
            };
            const ctx: SubscriptionContext = { tx: [], connection, attempt: 1 };
            await projection.handlers[e.type]?.(full, ctx);
            for (const cmd of ctx.tx) await connection.send(cmd);
          }
          await check(connection);
        },
      };
    },
  };
}

/**
 * Aggregates as deciders: `decide(command, state) -> events` and
 * `evolve(state, event) -> state` from an initial state. A CommandHandler
 * loads the state (latest valid snapshot, then only the newer events),
 * decides, appends with the loaded version as the expected version, and on
 * a conflict reloads and decides again.
 */
import { badArgument, EventStoreError, EventStoreErrorCode, isEventStoreError } from './errors.ts';
import type { EventStore } from './store.ts';
import type { EventData, RecordedEvent } from './types.ts';

/** A domain event as deciders see it. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState: State;
}

export interface CommandHandlerOptions {
  /** Save a snapshot when an append crosses a multiple of this many events. */
  snapshotEvery?: number;
  /**
   * Version of `evolve`: bump it when evolve changes, and snapshots taken
   * with another version are ignored (rebuilt from events). @defaultValue 1
   */
  evolveVersion?: number;
  /** Attempts on WrongExpectedVersion before giving up. @defaultValue 20 */
  maxAttempts?: number;
}

export interface Loaded<State> {
  state: State;
  version: number;
  /** The snapshot version the load started from (0: none). */
  fromSnapshot: number;
}

export interface HandleOptions {
  metadata?: Record<string, unknown>;
  correlationId?: string;
  causationId?: string;
}

export interface HandleResult<Event, State> {
  events: Event[];
  state: State;
  version: number;
  /** Conflicts met (and retried) before the append went through. */
  conflicts: number;
}

/** Fold events into a state. */
export function fold<Event extends DomainEvent, State>(d: Decider<unknown, Event, State>, state: State, events: Iterable<DomainEvent>): State {
  let s = state;
  for (const e of events) s = d.evolve(s, { type: e.type, data: e.data } as Event);
  return s;
}

export class CommandHandler<Command, Event extends DomainEvent, State> {
  private readonly snapshotEvery: number;
  private readonly evolveVersion: number;
  private readonly maxAttempts: number;

  constructor(
    readonly store: EventStore,
    readonly decider: Decider<Command, Event, State>,
    options: CommandHandlerOptions = {},
  ) {
    this.snapshotEvery = options.snapshotEvery ?? 0;
    this.evolveVersion = options.evolveVersion ?? 1;
    this.maxAttempts = options.maxAttempts ?? 20;
    if (!Number.isInteger(this.snapshotEvery) || this.snapshotEvery < 0) badArgument('snapshotEvery must be an integer >= 0');
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) badArgument('maxAttempts must be an integer >= 1');
  }

  /**
   * The state at the stream's latest version, or at `atVersion` (time
   * travel). Starts from the newest snapshot of this evolveVersion that is
   * not past `atVersion`, then folds only the newer events.
   */
  async load(stream: string, options: { atVersion?: number } = {}): Promise<Loaded<State>> {
    const at = options.atVersion;
    let state = structuredClone(this.decider.initialState);
    let version = 0;
    const snap = await this.store.loadSnapshot<State>(stream);
    if (snap !== null && snap.evolveVersion === this.evolveVersion && (at === undefined || snap.version <= at)) {
      state = snap.state;
      version = snap.version;
    }
    const fromSnapshot = version;
    if (at !== undefined && at <= version) return { state, version, fromSnapshot };
    const events = await this.store.readStream(stream, { from: version + 1, to: at });
    state = fold(this.decider, state, events);
    if (events.length > 0) version = events[events.length - 1].version;
    return { state, version, fromSnapshot };
  }

  /** Load, decide, append; on a conflict, reload and decide again. */
  async handle(stream: string, command: Command, options: HandleOptions = {}): Promise<HandleResult<Event, State>> {
    let conflicts = 0;
    for (;;) {
      const { state, version } = await this.load(stream);
      const events = this.decider.decide(command, state);
      if (events.length === 0) return { events, state, version, conflicts };
      const data: EventData[] = events.map((e) => ({
        type: e.type,
        data: e.data,
        metadata: options.metadata,
        correlationId: options.correlationId,
        causationId: options.causationId,
      }));
      try {
        const r = await this.store.append(stream, data, { expectedVersion: version });
        const next = fold(this.decider, state, events);
        await this.maybeSnapshot(stream, version, r.version, next);
        return { events, state: next, version: r.version, conflicts };
      } catch (e) {
        if (!isEventStoreError(e, EventStoreErrorCode.WrongExpectedVersion)) throw e;
        conflicts++;
        if (conflicts >= this.maxAttempts) {
          throw new EventStoreError(EventStoreErrorCode.TooManyConflicts, `stream '${stream}': ${conflicts} conflicts in a row`, { cause: e });
        }
        // Back off a little, with jitter, so contending writers spread out.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** conflicts)));
      }
    }
  }

  /** Save a snapshot now (on demand). */
  async snapshot(stream: string): Promise<Loaded<State>> {
    const loaded = await this.load(stream);
    if (loaded.version > 0) await this.store.saveSnapshot(stream, { version: loaded.version, state: loaded.state, evolveVersion: this.evolveVersion });
    return loaded;
  }

  private async maybeSnapshot(stream: string, before: number, after: number, state: State): Promise<void> {
    const n = this.snapshotEvery;
    if (n === 0 || Math.floor(after / n) === Math.floor(before / n)) return;
    await this.store.saveSnapshot(stream, { version: after, state, evolveVersion: this.evolveVersion });
  }
}

export type { RecordedEvent };

/**
 * A client of the engine: what Redis keeps in `struct client`. The RESP
 * server makes one per connection; the in-process adapter one per
 * `Connection`. Not thread-shared: each belongs to one caller.
 */
import type { Block } from './command.ts';
import type { Db } from './db.ts';
import type { Engine } from './engine.ts';
import type { PushReply, Reply } from './reply.ts';

/** A client parked by a blocking command (see Block in command.ts). */
export interface Waiter {
  readonly session: Session;
  readonly db: Db;
  readonly block: Block;
  readonly resolve: (reply: Reply) => void;
  timer: NodeJS.Timeout | undefined;
}

export class Session {
  /** CLIENT ID: unique, increasing. */
  readonly id: number;
  readonly createdAt: number;
  dbIndex = 0;
  name = '';
  /** Protocol version chosen by HELLO; the engine shapes no reply by it, the encoder does. */
  resp: 2 | 3 = 2;
  authenticated = true;
  /** Commands queued by MULTI, or null outside a transaction. */
  multi: string[][] | null = null;
  /** A command failed to queue: EXEC answers EXECABORT. */
  multiError = false;
  /** A WATCHed key was touched: EXEC answers a null array. */
  dirtyCas = false;
  /** WATCHed keys: (db, key, already expired when watched). */
  readonly watching: Array<[Db, string, boolean]> = [];
  /** The client scripts run their commands as (Redis's CLIENT_SCRIPT). */
  isScript = false;
  /** Inside EXEC or a script: blocking commands answer as on timeout. */
  denyBlocking = false;
  /** The waiter while a blocking command is parked. */
  blocked: Waiter | undefined;
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  /** Where pub/sub messages go; set by the owner of the session. */
  onPush: ((push: PushReply) => void) | undefined;
  /** Name of the last command run, for CLIENT LIST. */
  lastCommand = 'NULL';
  lastInteraction: number;
  closed = false;
  /** Free-form fields that the server layer keeps here (address, flags, buffers). */
  readonly info: Record<string, unknown> = {};

  constructor(readonly engine: Engine, id: number) {
    this.id = id;
    this.createdAt = engine.clock();
    this.lastInteraction = this.createdAt;
  }

  get db(): Db {
    return this.engine.dbs[this.dbIndex];
  }

  /** Run one command; a blocking command returns a promise. */
  call(argv: string[]): Reply | Promise<Reply> {
    return this.engine.execute(this, argv);
  }

  /** Unblock a parked command as CLIENT UNBLOCK TIMEOUT would; true if one was parked. */
  unblock(reply?: Reply): boolean {
    return this.engine.unblock(this, reply);
  }

  /** End the session: unblock, unwatch, unsubscribe. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.engine.closeSession(this);
  }
}

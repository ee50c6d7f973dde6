/**
 * Durability: the append-only file (AOF) of every effective write.
 *
 *   engine.onPropagate ──> pending (RESP text, SELECT when the db changes)
 *   end of each command ──> write(2) pending; appendfsync always: fsync
 *                           before the reply is released
 *   appendfsync everysec ──> fsync once a second (an unref'd timer)
 *   appendfsync no ──────> the OS decides
 *
 * Rewrite (BGREWRITEAOF, or automatic past auto-aof-rewrite-percentage):
 * the dataset is turned into commands in memory at one instant (a consistent
 * snapshot: nothing runs in between), then written to a temp file across
 * event-loop turns while clients go on; every write made meanwhile goes to
 * the old file as usual and to a rewrite buffer. At the end, in one
 * synchronous step, the buffer is appended, the temp file fsynced and
 * renamed over the AOF, and appends continue on the new file. Nothing
 * written during the rewrite is lost: it is in the buffer, and until the
 * rename it is also in the old file. The pause clients see is the snapshot
 * step only (measured and logged).
 */
import { closeSync, fsyncSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { open as openAsync } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine.ts';
import { encodeCommand } from './format.ts';
import { datasetCommands } from './rewrite.ts';

export type Fsync = 'always' | 'everysec' | 'no';

export class AppendOnlyFile {
  private fd: number;
  private pending: string[] = [];
  private selectedDb = -1;
  private rewriteBuf: string[] | null = null;
  private timer: NodeJS.Timeout;
  private sizeAtRewrite: number;
  private written: number;
  private closed = false;
  rewriting: Promise<void> | null = null;
  lastRewriteMs = 0;
  rewrites = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: Engine,
    readonly path: string,
    private fsync: Fsync,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.fd = openSync(path, 'a');
    this.written = statSync(path).size;
    this.sizeAtRewrite = this.written;
    this.unsubscribe = engine.onPropagate((db, argv) => this.append(db, argv));
    engine.afterCommandHooks.push(() => this.afterCommand());
    this.timer = setInterval(() => this.everySecond(), 1000);
    this.timer.unref();
  }

  setFsync(policy: Fsync): void {
    this.fsync = policy;
  }

  private append(db: number, argv: string[]): void {
    if (this.closed) return;
    let text = '';
    if (db !== this.selectedDb) {
      text = encodeCommand(['SELECT', String(db)]);
      this.selectedDb = db;
    }
    text += encodeCommand(argv);
    this.pending.push(text);
    this.rewriteBuf?.push(text);
  }

  /** Write what the command produced; with `always`, fsync before its reply goes out. */
  private afterCommand(): void {
    if (this.pending.length === 0 || this.closed) return;
    this.flushPending();
    if (this.fsync === 'always') fsyncSync(this.fd);
    this.maybeAutoRewrite();
  }

  private flushPending(): void {
    const data = Buffer.from(this.pending.join(''), 'latin1');
    this.pending = [];
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off);
    this.written += data.length;
  }

  private everySecond(): void {
    if (this.closed) return;
    if (this.pending.length) this.flushPending();
    if (this.fsync === 'everysec') fsyncSync(this.fd);
  }

  private maybeAutoRewrite(): void {
    if (this.rewriting) return;
    const pct = this.engine.config.num('auto-aof-rewrite-percentage');
    const min = this.engine.config.num('auto-aof-rewrite-min-size');
    if (pct === 0 || this.written < min) return;
    const base = Math.max(this.sizeAtRewrite, 1);
    if (((this.written - base) * 100) / base >= pct) void this.rewrite();
  }

  /** Compact the file (BGREWRITEAOF). Resolves when the new file is in place. */
  rewrite(): Promise<void> {
    if (this.rewriting) return this.rewriting;
    this.rewriting = this.doRewrite().finally(() => {
      this.rewriting = null;
    });
    return this.rewriting;
  }

  private async doRewrite(): Promise<void> {
    const t0 = performance.now();
    // The snapshot: one synchronous step, so it is a single instant of the dataset.
    const snapshot: string[] = [];
    for (const argv of datasetCommands(this.engine)) snapshot.push(encodeCommand(argv));
    this.rewriteBuf = [];
    // The buffer must start with its own SELECT: the snapshot ends in another db.
    this.selectedDb = -1;
    const pauseMs = performance.now() - t0;
    const tmp = join(this.path + `.rewrite-${process.pid}.tmp`);
    const fh = await openAsync(tmp, 'w');
    try {
      const CHUNK = 4096;
      for (let i = 0; i < snapshot.length; i += CHUNK) {
        await fh.write(Buffer.from(snapshot.slice(i, i + CHUNK).join(''), 'latin1'));
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (this.closed) return;
    // The switch: synchronous, so no command runs between the last buffered write and the rename.
    if (this.pending.length) this.flushPending();
    const tail = Buffer.from(this.rewriteBuf.join(''), 'latin1');
    this.rewriteBuf = null;
    const tfd = openSync(tmp, 'a');
    let off = 0;
    while (off < tail.length) off += writeSync(tfd, tail, off);
    fsyncSync(tfd);
    closeSync(tfd);
    renameSync(tmp, this.path);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a');
    // The rewritten file ends in whatever db the tail selected last; force a SELECT.
    this.selectedDb = -1;
    this.written = statSync(this.path).size;
    this.sizeAtRewrite = this.written;
    this.lastRewriteMs = Math.round(performance.now() - t0);
    this.rewrites++;
    this.log(`AOF rewritten: ${this.written} bytes, snapshot pause ${pauseMs.toFixed(1)} ms`);
  }

  /** Write and fsync everything; stop appending. Idempotent. */
  close(): void {
    if (this.closed) return;
    if (this.pending.length) this.flushPending();
    fsyncSync(this.fd);
    this.closed = true;
    clearInterval(this.timer);
    this.unsubscribe();
    closeSync(this.fd);
  }

  get size(): number {
    return this.written;
  }
}

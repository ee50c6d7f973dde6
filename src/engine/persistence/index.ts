/**
 * Persistence for an engine: load the append-only file from `dir`, then
 * (with appendonly) append every write to it. Used by `brook server --dir`
 * and by the in-process `brook:///path` connection.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Engine } from '../engine.ts';
import { AppendOnlyFile, type Fsync } from './aof.ts';
import { loadAof } from './load.ts';

export { AppendOnlyFile, type Fsync } from './aof.ts';
export { AofCorruptError, loadAof, repairAof, type LoadReport } from './load.ts';

export interface PersistenceOptions {
  /** Folder for appendonly.aof; created when missing. */
  dir: string;
  /** Append writes (else only load what is there). @defaultValue true */
  appendonly?: boolean;
  /** @defaultValue 'everysec' */
  fsync?: Fsync;
  log?: (line: string) => void;
}

/** Attach persistence to a fresh engine; resolves with the folder's absolute path. */
export async function attachPersistence(engine: Engine, o: PersistenceOptions): Promise<string> {
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, engine.config.get('appendfilename') ?? 'appendonly.aof');
  const log = o.log ?? ((l: string) => console.log(`brook: ${l}`));
  engine.config.set('dir', dir);
  const report = loadAof(engine, file, log);
  if (report.commands) log(`loaded ${report.commands} commands from ${file}`);
  if (o.appendonly ?? true) {
    engine.config.set('appendonly', 'yes');
    engine.config.set('appendfsync', o.fsync ?? 'everysec');
    const aof = new AppendOnlyFile(engine, file, o.fsync ?? 'everysec', log);
    engine.persistence = aof;
    engine.configListeners.push((names) => {
      if (names.has('appendfsync')) aof.setFsync(engine.config.get('appendfsync') as Fsync);
    });
    engine.shutdownHooks.push(() => aof.close());
    engine.persistenceInfo = () => [
      ['aof_enabled', 1],
      ['aof_rewrite_in_progress', aof.rewriting ? 1 : 0],
      ['aof_rewrites', aof.rewrites],
      ['aof_last_rewrite_time_sec', Math.round(aof.lastRewriteMs / 1000)],
      ['aof_current_size', aof.size],
      ['aof_last_write_status', 'ok'],
    ];
  }
  return dir;
}

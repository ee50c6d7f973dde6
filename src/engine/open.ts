/**
 * Open an engine, in memory or persisted to a folder: what `brook://memory`
 * and `brook:///path/to/dir` connect to.
 */
import { Engine, type EngineOptions } from './engine.ts';
import { attachPersistence, type Fsync } from './persistence/index.ts';

export interface OpenOptions extends EngineOptions {
  /** Persist to this folder (append-only file); in memory when absent. */
  dir?: string;
  /** @defaultValue 'everysec' */
  appendfsync?: Fsync;
  log?: (line: string) => void;
}

export async function openEngine(o: OpenOptions = {}): Promise<Engine> {
  const engine = new Engine(o);
  if (o.dir !== undefined) {
    await attachPersistence(engine, { dir: o.dir, appendonly: true, fsync: o.appendfsync, log: o.log ?? (() => {}) });
  }
  return engine;
}

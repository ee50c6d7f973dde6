/**
 * Named Lua scripts, loaded from files `<name>-<numberOfKeys>.lua` (BullMQ's
 * convention) and run with EVALSHA, falling back to EVAL on NOSCRIPT.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export interface Script {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly source: string;
  readonly sha: string;
}

export function defineScript(name: string, numberOfKeys: number, source: string): Script {
  return { name, numberOfKeys, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Load `path/name-N.lua`; the file name gives the name and number of keys. */
export function loadScriptFile(path: string): Script {
  const m = /^(.+)-(\d+)\.lua$/.exec(basename(path));
  if (!m) throw new Error(`script file name must be <name>-<numberOfKeys>.lua: ${path}`);
  return defineScript(m[1], Number(m[2]), readFileSync(path, 'utf8'));
}

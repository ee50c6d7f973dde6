#!/usr/bin/env node
// Runs every benchmark in bench/ (or those named) with tsx; each prints JSON lines.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const named = process.argv.slice(2);
const files = named.length ? named : readdirSync('bench').filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => `bench/${f}`);
let status = 0;
for (const f of files) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', f], { stdio: 'inherit' });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);

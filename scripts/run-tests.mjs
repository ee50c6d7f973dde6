#!/usr/bin/env node
// Runs every test file with node's test runner through tsx, so its summary
// ("# tests N", "# pass N", "# fail N") is printed. Arguments narrow the set
// to files under the given folders or to the given files.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestDeps } from './test-deps.mjs';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
function walk(p) {
  const st = statSync(p);
  if (st.isFile()) {
    if (p.endsWith('.test.ts')) files.push(p);
    return;
  }
  for (const e of readdirSync(p)) if (e !== 'node_modules' && !e.startsWith('.')) walk(join(p, e));
}
for (const r of roots.length ? roots : ['src', 'test']) walk(r);
files.sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// redis-server and the rest from Debian: installed when missing (test-deps.mjs).
ensureTestDeps();
// --test-force-exit: a test file's process ends once its tests are done, even
// if a failed test left something running (a consumer, a reconnecting
// client), so a failure reports instead of hanging the run.
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', '--test-force-exit', ...extra, ...files],
  { stdio: 'inherit' },
);
process.exit(res.status ?? 1);

#!/usr/bin/env node
// Fails when a module imports across the layer direction of DESIGN.md:
//   cli > console > queue, eventstore > client > server > engine
// (dependencies point down only), or when queue/ or eventstore/ import
// engine/ or ioredis directly.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const rank = { engine: 0, server: 1, client: 2, queue: 3, eventstore: 3, console: 4, cli: 5 };
const src = resolve('src');
const problems = [];

function walk(p, out) {
  for (const e of readdirSync(p)) {
    const f = join(p, e);
    if (statSync(f).isDirectory()) walk(f, out);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(f)) out.push(f);
  }
  return out;
}

const layerOf = (file) => relative(src, file).split(/[\\/]/)[0];

for (const file of walk(src, [])) {
  const layer = layerOf(file);
  if (!(layer in rank)) continue;
  const text = readFileSync(file, 'utf8');
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2];
    if (spec === 'ioredis' && (layer === 'queue' || layer === 'eventstore')) {
      problems.push(`${relative('.', file)}: ${layer}/ must not import ioredis (use client/)`);
    }
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(src)) continue;
    const to = layerOf(target);
    if (!(to in rank) || to === layer) continue;
    if ((layer === 'queue' || layer === 'eventstore') && to === 'engine') {
      problems.push(`${relative('.', file)}: ${layer}/ must not import engine/ (use client/)`);
    } else if (rank[to] > rank[layer] || (rank[to] === rank[layer] && to !== layer)) {
      problems.push(`${relative('.', file)}: ${layer}/ imports ${to}/ (a higher or sibling layer)`);
    }
  }
}
if (problems.length) {
  console.error('layer check failed:\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log('layer check: ok');

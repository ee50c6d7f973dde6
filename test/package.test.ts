/** Every `exports` subpath of package.json resolves (a self-reference by package name) and exports what the README uses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; exports: Record<string, string> };
const expected: Record<string, string[]> = {
  '.': ['connect', 'topic', 'Producer', 'Consumer', 'EventStore'],
  './engine': ['Engine'],
  './server': ['BrookServer'],
  './client': ['connect'],
  './queue': ['topic', 'Producer', 'Consumer', 'DeadLetters', 'Notifications', 'Retention'],
  './eventstore': ['EventStore'],
};

test('package exports resolve', async () => {
  assert.deepEqual(Object.keys(pkg.exports).sort(), Object.keys(expected).sort());
  for (const [sub, names] of Object.entries(expected)) {
    const mod = (await import(sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`)) as Record<string, unknown>;
    for (const n of names) assert.ok(mod[n] !== undefined, `${sub} exports ${n}`);
  }
});

#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (a dependency), so `npx brook ...` works from the package.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/index.ts');

// What the tests need besides npm's packages, from Debian: redis-server and
// redis-cli (the tests start their own servers, sentinels and clusters on
// free loopback ports), openssl (a throwaway CA for the TLS tests) and
// python3-redis (redis-py as one of the client libraries run against brook
// server). ensureTestDeps() installs what is missing with apt-get when it
// can (root on Debian, as on a fresh machine of this project or in CI),
// else it stops with the command to run. BROOK_TEST_NO_INSTALL=1 turns the
// install off (then it only checks).
import { spawnSync } from 'node:child_process';

/** Debian package -> how to tell it is there. */
const NEEDS = [
  ['redis-server', () => found('redis-server')],
  ['redis-tools', () => found('redis-cli')],
  ['openssl', () => found('openssl')],
  // Debian's python3, which python3-redis serves (a python3 earlier on PATH, pyenv's say, would not see it).
  ['python3-redis', () => ok('/usr/bin/python3', ['-c', 'import redis'])],
];

function ok(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

function found(cmd) {
  return ok('sh', ['-c', `command -v ${cmd}`]);
}

export function missingTestDeps() {
  return NEEDS.filter(([, there]) => !there()).map(([pkg]) => pkg);
}

export function ensureTestDeps() {
  const missing = missingTestDeps();
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && found('apt-get') && process.env.BROOK_TEST_NO_INSTALL !== '1';
  if (!canInstall) {
    console.error(`The tests need Debian packages that are missing: ${missing.join(', ')}.\nInstall them first: ${command}`);
    process.exit(1);
  }
  console.error(`Installing what the tests need: ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed (exit ${r.status}): install them by hand: ${command}`);
      process.exit(1);
    }
  }
  const still = missingTestDeps();
  if (still.length > 0) {
    console.error(`Still missing after the install: ${still.join(', ')}`);
    process.exit(1);
  }
}

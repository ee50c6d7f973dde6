/**
 * Start `brook server` for tests: in this process (fast, for protocol tests)
 * or as a child process running the real CLI (for crash tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Engine } from '../../src/engine/engine.ts';
import { BrookServer } from '../../src/server/server.ts';
import { freePort } from './redis-server.ts';

export interface InProcessServer {
  port: number;
  engine: Engine;
  server: BrookServer;
  stop(): Promise<void>;
}

export async function startBrookInProcess(configure?: (e: Engine) => void): Promise<InProcessServer> {
  const engine = new Engine({ commandTiming: true });
  configure?.(engine);
  const server = new BrookServer({ engine, port: 0 });
  const { port } = await server.listen();
  return {
    port,
    engine,
    server,
    stop: async () => {
      await server.close();
      engine.close();
    },
  };
}

export interface ChildServer {
  port: number;
  process: ChildProcess;
  output: () => string;
  /** SIGKILL (or the given signal) and wait for exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Run `node bin/brook.mjs server --port <free> ...args` and wait until it is ready. */
export async function startBrookChild(args: string[] = [], port?: number): Promise<ChildServer> {
  const p = port ?? (await freePort());
  const child = spawn(process.execPath, ['bin/brook.mjs', 'server', '--port', String(p), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`brook server did not start: ${out}`)), 15000);
    const check = () => {
      if (out.includes('ready on')) {
        clearTimeout(deadline);
        resolve();
      } else if (child.exitCode !== null) {
        clearTimeout(deadline);
        reject(new Error(`brook server exited: ${out}`));
      } else setTimeout(check, 20);
    };
    check();
  });
  return {
    port: p,
    process: child,
    output: () => out,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}

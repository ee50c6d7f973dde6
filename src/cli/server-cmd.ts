/**
 * `brook server`: run the engine over RESP. Binds 127.0.0.1 unless told
 * otherwise; logs where data lives.
 */
import type { Command } from 'commander';
import { Engine } from '../engine/engine.ts';
import { BrookServer } from '../server/server.ts';

export interface ServerFlags {
  port: string;
  bind: string;
  dir?: string;
  appendonly: string;
  appendfsync: string;
  requirepass?: string;
}

function fail(msg: string): never {
  console.error(`brook server: ${msg}`);
  process.exit(2);
}

/** Validate flags (a bad flag fails at start, with the reason). */
export function validateServerFlags(f: ServerFlags): { port: number } {
  const port = Number(f.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got '${f.port}'`);
  if (f.appendonly !== 'yes' && f.appendonly !== 'no') fail(`--appendonly must be yes or no, got '${f.appendonly}'`);
  if (!['always', 'everysec', 'no'].includes(f.appendfsync)) fail(`--appendfsync must be always, everysec or no, got '${f.appendfsync}'`);
  return { port };
}

export async function startServer(f: ServerFlags): Promise<{ server: BrookServer; port: number; host: string }> {
  const { port } = validateServerFlags(f);
  const engine = new Engine({ commandTiming: true });
  engine.serverInfo.mode = 'server';
  if (f.requirepass) engine.config.set('requirepass', f.requirepass);
  engine.config.set('appendfsync', f.appendfsync);
  if (f.appendonly === 'yes' || f.dir) {
    const { attachPersistence } = await import('../engine/persistence/index.ts');
    const where = await attachPersistence(engine, { dir: f.dir ?? './data', appendonly: f.appendonly === 'yes', fsync: f.appendfsync as 'always' });
    console.log(`brook server: data in ${where}`);
  } else {
    console.log('brook server: in memory only (no --dir / --appendonly): data is lost on exit');
  }
  const server = new BrookServer({ engine, port, host: f.bind, log: (l) => console.log(`brook server: ${l}`) });
  const addr = await server.listen();
  console.log(`brook server: ready on ${addr.host}:${addr.port}`);
  engine.shutdownHooks.push(() => setImmediate(() => process.exit(0)));
  return { server, port: addr.port, host: addr.host };
}

export function registerServer(program: Command): void {
  program
    .command('server')
    .description('run the embedded engine over RESP so any Redis client can use it')
    .option('--port <port>', 'TCP port (0 picks a free one)', '6379')
    .option('--bind <address>', 'address to listen on', '127.0.0.1')
    .option('--dir <path>', 'folder for the append-only file (enables persistence)')
    .option('--appendonly <yes|no>', 'write every change to the append-only file', 'no')
    .option('--appendfsync <always|everysec|no>', 'when to fsync the append-only file', 'everysec')
    .option('--requirepass <password>', 'require AUTH with this password')
    .action(async (f: ServerFlags) => {
      await startServer(f);
    });
}

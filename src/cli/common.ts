/**
 * What the CLI's data commands share: the --url option, whole-number flags,
 * running a body on a connection with errors printed as `brook <what>:
 * reason` (exit code 1), and printing text or JSON.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { connect, type Connection } from '../client/index.ts';

export const DEFAULT_URL = 'redis://127.0.0.1:6379';

/** --url: where the data lives; $BROOK_URL, else the address `brook server` and Redis listen on by default. */
export function urlOption(): Option {
  return new Option('--url <url>', 'where the data lives (brook://, redis://, rediss://, redis+sentinel://, redis+cluster://)').env('BROOK_URL').default(DEFAULT_URL);
}

/** The flags every data command takes: --url, --prefix (of `what`'s keys) and --json. */
export function dataFlags(cmd: Command, what: string): Command {
  return cmd.addOption(urlOption()).option('--prefix <prefix>', `key prefix of the ${what}`, 'brook:').option('--json', 'print JSON instead of text');
}

/** A flag that must be a whole number from min to max. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `expected a whole number >= ${min}, got '${v}'` : `expected a whole number ${min}..${max}, got '${v}'`);
    }
    return Number(v);
  };
}

/** Connect to `url`, run `body`, close; a failure prints `brook <what>: reason` and sets exit code 1. */
export async function withConnection(what: string, url: string, body: (conn: Connection) => Promise<void>): Promise<void> {
  let conn: Connection | undefined;
  try {
    conn = await connect(url);
    await body(conn);
  } catch (e) {
    console.error(`brook ${what}: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  } finally {
    await conn?.close();
  }
}

/** Print `json` (with --json) or the lines of `text`. */
export function print(asJson: boolean | undefined, json: unknown, text: () => string[]): void {
  console.log(asJson ? JSON.stringify(json, null, 2) : text().join('\n'));
}

/** "1.2 s", "3.0 min", "2.0 h": an age or idle time to read at a glance. */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Run the CLI as a user does (bin/brook.mjs in a child process, at most 30 s): its exit code and output. */
import { execFile } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function brook(url: string, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/brook.mjs', ...args], { timeout: 30_000, env: { ...process.env, BROOK_URL: url } }, (e, stdout, stderr) => {
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, stdout, stderr });
    });
  });
}

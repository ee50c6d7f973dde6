/**
 * A throwaway certificate authority for TLS tests, made with Debian's
 * openssl in a temporary folder: the CA, a server certificate for
 * 127.0.0.1 / localhost, and a client certificate, all signed by the CA.
 *
 *   const certs = await makeCerts();   // { dir, ca, serverCert, serverKey, clientCert, clientKey, remove() }
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCerts {
  readonly dir: string;
  /** File paths (redis-server takes files). */
  readonly files: { ca: string; serverCert: string; serverKey: string };
  /** PEM text (node:tls takes it). */
  readonly ca: string;
  readonly clientCert: string;
  readonly clientKey: string;
  remove(): Promise<void>;
}

/** An EC key and a certificate for `cn`, signed by the CA in `dir` (or self-signed for the CA itself). */
async function issue(dir: string, name: string, cn: string, extensions?: string): Promise<void> {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-subj', `/CN=${cn}`];
  if (name === 'ca') {
    await run('openssl', ['req', '-x509', '-new', ...newKey, '-days', '2', '-out', crt]);
    return;
  }
  const csr = join(dir, `${name}.csr`);
  await run('openssl', ['req', '-new', ...newKey, '-out', csr]);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, extensions ?? 'extendedKeyUsage=clientAuth\n');
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-days', '2', '-out', crt, '-extfile', ext]);
}

export async function makeCerts(): Promise<TestCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'brook-tls-'));
  await issue(dir, 'ca', 'brook test CA');
  await issue(dir, 'server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await issue(dir, 'client', 'brook test client');
  const text = (f: string) => readFile(join(dir, f), 'utf8');
  return {
    dir,
    files: { ca: join(dir, 'ca.crt'), serverCert: join(dir, 'server.crt'), serverKey: join(dir, 'server.key') },
    ca: await text('ca.crt'),
    clientCert: await text('client.crt'),
    clientKey: await text('client.key'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A minimal RESP client for tests: sends commands and returns each reply as
 * its raw bytes (a latin1 string), so tests can compare brook's replies with
 * Redis's byte for byte.
 */
import { connect, type Socket } from 'node:net';

/** Encode argv (binary strings) as a RESP multibulk request. */
export function encodeCommand(argv: string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/**
 * Offset just past the one complete RESP value starting at `pos` in `buf`,
 * or -1 when more bytes are needed.
 */
export function replyEnd(buf: string, pos: number): number {
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) return -1;
  const type = buf[pos];
  const line = buf.slice(pos + 1, nl);
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return nl + 2;
    case '$':
    case '=':
    case '!': {
      const len = Number(line);
      if (len < 0) return nl + 2;
      const end = nl + 2 + len + 2;
      return end <= buf.length ? end : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      let n = Number(line);
      if (n < 0) return nl + 2;
      if (type === '%' || type === '|') n *= 2;
      let p = nl + 2;
      for (let i = 0; i < n; i++) {
        if (p >= buf.length) return -1;
        p = replyEnd(buf, p);
        if (p < 0) return -1;
      }
      return p;
    }
    default:
      throw new Error(`bad RESP type byte ${JSON.stringify(type)} at ${pos}`);
  }
}

export class RawClient {
  private buf = '';
  private readonly waiting: Array<(reply: string) => void> = [];
  private constructor(private readonly sock: Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d) => {
      this.buf += d.toString('latin1');
      this.drain();
    });
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    const sock = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    return new RawClient(sock);
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.buf.length > 0) {
      const end = replyEnd(this.buf, 0);
      if (end < 0) return;
      const reply = this.buf.slice(0, end);
      this.buf = this.buf.slice(end);
      this.waiting.shift()!(reply);
    }
  }

  /** Send one command; resolves with its raw reply. */
  call(argv: string[]): Promise<string> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.sock.write(Buffer.from(encodeCommand(argv), 'latin1'));
    });
  }

  /** Send raw bytes and wait for `replies` replies. */
  sendRaw(bytes: string, replies: number): Promise<string[]> {
    const out: Promise<string>[] = [];
    for (let i = 0; i < replies; i++) out.push(new Promise((r) => this.waiting.push(r)));
    this.sock.write(Buffer.from(bytes, 'latin1'));
    return Promise.all(out);
  }

  close(): void {
    this.sock.destroy();
  }
}

/**
 * The append-only file format: Redis's, a sequence of RESP multibulk
 * commands (`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n`), so `redis-check-aof`
 * reads it and Redis can load a brook file. `readCommands` walks a file and
 * tells a torn tail (a last command cut short: safe to truncate) from
 * corruption (bytes that are not RESP: never skipped silently).
 */

export function encodeCommand(argv: string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

export type ReadResult =
  | { kind: 'ok'; commands: Array<{ argv: string[]; end: number }> }
  | { kind: 'torn'; commands: Array<{ argv: string[]; end: number }>; validUpTo: number }
  | { kind: 'corrupt'; commands: Array<{ argv: string[]; end: number }>; offset: number; reason: string };

/** Parse a whole file (a latin1 string). */
export function readCommands(data: string): ReadResult {
  const commands: Array<{ argv: string[]; end: number }> = [];
  let pos = 0;
  const n = data.length;
  const line = (from: number): { text: string; next: number } | null => {
    const cr = data.indexOf('\r\n', from);
    return cr < 0 ? null : { text: data.slice(from, cr), next: cr + 2 };
  };
  while (pos < n) {
    const start = pos;
    if (data[pos] !== '*') return { kind: 'corrupt', commands, offset: pos, reason: `expected '*', got ${JSON.stringify(data[pos])}` };
    const head = line(pos + 1);
    if (head === null) return { kind: 'torn', commands, validUpTo: start };
    const count = Number(head.text);
    if (!/^\d+$/.test(head.text) || count < 1) return { kind: 'corrupt', commands, offset: pos, reason: `bad argument count ${JSON.stringify(head.text)}` };
    pos = head.next;
    const argv: string[] = [];
    for (let i = 0; i < count; i++) {
      if (pos >= n) return { kind: 'torn', commands, validUpTo: start };
      if (data[pos] !== '$') return { kind: 'corrupt', commands, offset: pos, reason: `expected '$', got ${JSON.stringify(data[pos])}` };
      const lh = line(pos + 1);
      if (lh === null) return { kind: 'torn', commands, validUpTo: start };
      if (!/^\d+$/.test(lh.text)) return { kind: 'corrupt', commands, offset: pos, reason: `bad bulk length ${JSON.stringify(lh.text)}` };
      const len = Number(lh.text);
      if (lh.next + len + 2 > n) return { kind: 'torn', commands, validUpTo: start };
      if (data[lh.next + len] !== '\r' || data[lh.next + len + 1] !== '\n') {
        return { kind: 'corrupt', commands, offset: lh.next + len, reason: 'bulk string not followed by CRLF' };
      }
      argv.push(data.slice(lh.next, lh.next + len));
      pos = lh.next + len + 2;
    }
    commands.push({ argv, end: pos });
  }
  return { kind: 'ok', commands };
}

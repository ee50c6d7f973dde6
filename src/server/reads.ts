/**
 * Reading a client connection straight into one buffer that all
 * connections share, as Redis reads into a client's query buffer: no
 * Buffer, Readable-stream push, 'data' event or nextTick per read. A quarter
 * or more of brook server's time at -P 16 went to that machinery.
 *
 * node offers this (the `onread` option) for sockets it creates, not for the
 * ones a server accepts; so the server accepts paused, and the accepted
 * socket's handle gets a new Socket made with `onread`. The first Socket is
 * dropped unread; the new one takes over the server's connection count.
 * Where the handle is not there to take (another runtime), the accepted
 * socket's 'data' events are used instead.
 *
 * `onBytes` must consume or copy the bytes before it returns: the buffer is
 * refilled by the next read of any connection (RequestParser.own()).
 */
import { Socket, type Server, type SocketConstructorOpts } from 'node:net';

const READ_BUFFER_SIZE = 64 * 1024;
const shared = Buffer.allocUnsafe(READ_BUFFER_SIZE);

export interface OwnReads {
  socket: Socket;
  /** True when `onBytes` gets the shared buffer (copy what you keep); false on the 'data' fallback. */
  shared: boolean;
}

/** Start reading `accepted` (from a server made with pauseOnConnect) into `onBytes`. */
export function readShared(accepted: Socket, server: Server, onBytes: (chunk: Buffer) => void): OwnReads {
  const handle = (accepted as unknown as { _handle?: unknown })._handle;
  if (handle === undefined || handle === null) {
    accepted.on('data', onBytes);
    accepted.resume();
    return { socket: accepted, shared: false };
  }
  const options = {
    handle,
    readable: true,
    writable: true,
    onread: { buffer: shared, callback: (n: number) => void onBytes(shared.subarray(0, n)) },
  } as SocketConstructorOpts;
  const socket = new Socket(options);
  // What node's accept did for the first Socket: its close lets server.close() finish.
  Object.assign(socket, { server, _server: server });
  return { socket, shared: true };
}

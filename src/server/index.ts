/** brook/server: the engine over RESP (what `brook server` runs). */
export { BrookServer, type ServerOptions, type ConnectionInfo } from './server.ts';

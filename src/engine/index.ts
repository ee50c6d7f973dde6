export { Engine, type EngineOptions, EngineConfig } from './engine.ts';
export { Session } from './session.ts';
export * from './reply.ts';
export { toBinary, binaryToUtf8, binaryToBuffer } from './bytes.ts';
export { openEngine, type OpenOptions } from './open.ts';

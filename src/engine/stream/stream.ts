/** Placeholder replaced by the stream module (see stream/README in the engine issue). */
export interface StreamValue {
  readonly type: 'stream';
}

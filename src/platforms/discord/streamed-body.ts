/**
 * A request body sent from a stream rather than from memory. discord.js's REST repeats a
 * request after a 429 or a reset, so the body is not one stream but a way to open a fresh one:
 * every attempt re-reads the file from the start.
 */
import { Readable } from 'node:stream';

export class StreamedBody {
  /**
   * @param length Exact size in bytes (sent as Content-Length; a body of another size fails).
   * @param chunks Produces the body's bytes from the start; called once per attempt.
   */
  constructor(
    readonly length: number,
    private readonly chunks: () => AsyncIterable<Buffer>,
  ) {}

  /** A new stream of the whole body. Destroying it closes whatever it reads from. */
  open(): Readable {
    return Readable.from(this.chunks(), { objectMode: false });
  }
}

/**
 * Encode `payload_json` + `files[n]` as a ready multipart body: a Buffer when every file is in
 * memory, or a {@link StreamedBody} when a file is read from disk, so a 20 MB MP4 is never held
 * in memory (the body is the preamble, the file stream, then the closing boundary).
 *
 * Why not let @discordjs/rest build its FormData: it uses its own undici (v6) FormData, but the
 * process-wide undici dispatcher is whichever undici loaded first — our undici 7 (VideoClient)
 * — and undici 7 cannot serialise undici 6's FormData ("action is not a function"). A ready
 * body works with any dispatcher.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { StreamedBody } from './streamed-body.ts';

/** A file already in memory (a thumbnail). */
export interface MultipartFile {
  name: string;
  data: Buffer;
  contentType: string;
}

/** A file read from disk when the body is sent; `open` gives a fresh stream each time. */
export interface MultipartStreamFile {
  name: string;
  contentType: string;
  /** Exact size: the Content-Length is computed from it, and a file of another size fails the upload. */
  bytes: number;
  open(): Readable;
}

export type MultipartPart = MultipartFile | MultipartStreamFile;

const quoted = (s: string) => s.replace(/["\r\n\\]/g, '_');

const isInMemory = (f: MultipartPart): f is MultipartFile => 'data' in f;

/** The bytes of the body, with each streamed file as a placeholder between them. */
type Segment = Buffer | MultipartStreamFile;

function segmentsOf(payload: object, files: MultipartPart[], boundary: string): Segment[] {
  const segments: Segment[] = [];
  const head = (headers: string) => Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`);
  segments.push(
    head('Content-Disposition: form-data; name="payload_json"\r\nContent-Type: application/json'),
  );
  segments.push(Buffer.from(JSON.stringify(payload)), Buffer.from('\r\n'));
  files.forEach((f, i) => {
    segments.push(
      head(
        `Content-Disposition: form-data; name="files[${i}]"; filename="${quoted(f.name)}"\r\nContent-Type: ${f.contentType}`,
      ),
      isInMemory(f) ? f.data : f,
      Buffer.from('\r\n'),
    );
  });
  segments.push(Buffer.from(`--${boundary}--\r\n`));
  return segments;
}

/**
 * The multipart body for `payload` and `files`. With only in-memory files the body is one
 * Buffer; with a streamed file it is a {@link StreamedBody} of exactly known length.
 */
export function multipartBody(
  payload: object,
  files: MultipartPart[],
): { body: Buffer | StreamedBody; contentType: string } {
  const boundary = `----reelbot${randomBytes(12).toString('hex')}`;
  const contentType = `multipart/form-data; boundary=${boundary}`;
  const segments = segmentsOf(payload, files, boundary);
  if (segments.every(Buffer.isBuffer)) return { body: Buffer.concat(segments), contentType };
  const length = segments.reduce((n, s) => n + (Buffer.isBuffer(s) ? s.length : s.bytes), 0);
  return { body: new StreamedBody(length, () => chunksOf(segments)), contentType };
}

/** Yield the body: fixed parts as they are, each file from a fresh stream, checked for size. */
async function* chunksOf(segments: readonly Segment[]): AsyncGenerator<Buffer> {
  for (const s of segments) {
    if (Buffer.isBuffer(s)) {
      yield s;
      continue;
    }
    const stream = s.open();
    let read = 0;
    try {
      for await (const chunk of stream) {
        const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        read += b.length;
        if (read > s.bytes) throw new Error(`${s.name} is larger than the ${s.bytes} bytes announced`);
        yield b;
      }
    } finally {
      // Also runs when the request is aborted mid-upload: the file handle is closed at once.
      stream.destroy();
    }
    if (read !== s.bytes) throw new Error(`${s.name} has ${read} bytes, not the ${s.bytes} announced`);
  }
}

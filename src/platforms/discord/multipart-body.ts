/**
 * Encode `payload_json` + `files[n]` as a ready multipart body (a Buffer).
 *
 * Why not let @discordjs/rest build its FormData: it uses its own undici (v6) FormData, but the
 * process-wide undici dispatcher is whichever undici loaded first — our undici 7 (VideoClient)
 * — and undici 7 cannot serialise undici 6's FormData ("action is not a function"). A plain
 * Buffer body works with any dispatcher.
 */
import { randomBytes } from 'node:crypto';

export interface MultipartFile {
  name: string;
  data: Buffer;
  contentType: string;
}

const quoted = (s: string) => s.replace(/["\r\n\\]/g, '_');

export function multipartBody(
  payload: object,
  files: MultipartFile[],
): { body: Buffer; contentType: string } {
  const boundary = `----reelbot${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  const head = (headers: string) => Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`);
  parts.push(head('Content-Disposition: form-data; name="payload_json"\r\nContent-Type: application/json'));
  parts.push(Buffer.from(JSON.stringify(payload)), Buffer.from('\r\n'));
  files.forEach((f, i) => {
    parts.push(
      head(
        `Content-Disposition: form-data; name="files[${i}]"; filename="${quoted(f.name)}"\r\nContent-Type: ${f.contentType}`,
      ),
      f.data,
      Buffer.from('\r\n'),
    );
  });
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

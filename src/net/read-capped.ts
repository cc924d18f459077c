/** A body read whole, up to a byte limit: the one size-capped reader for every download and request. */

/**
 * Read `body` (a web stream or a Node stream) into one buffer, or `'too_large'` as soon as it
 * passes `maxBytes`. Leaving early cancels the stream, so an oversized body is not read to the end.
 */
export async function readCapped(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<Buffer | 'too_large'> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) return 'too_large';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

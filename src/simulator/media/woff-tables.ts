import { inflateSync } from 'node:zlib';

const WOFF_SIGNATURE = 0x774f4646; // 'wOFF'
const HEADER_SIZE = 44;
const DIRECTORY_ENTRY_SIZE = 20;

/**
 * The named tables of a WOFF 1.0 font file, each inflated to its sfnt bytes.
 * (WOFF 1.0 is a TrueType file whose tables are zlib-compressed one by one, so
 * Node's zlib reads it; WOFF2 would need Brotli plus a glyph-table transform.)
 * @throws Error when the file is not WOFF 1.0 or lacks one of `tags`.
 */
export function readWoffTables(file: Buffer, tags: readonly string[]): Map<string, Buffer> {
  if (file.length < HEADER_SIZE || file.readUInt32BE(0) !== WOFF_SIGNATURE) {
    throw new Error('not a WOFF 1.0 font file');
  }
  const count = file.readUInt16BE(12);
  const tables = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const at = HEADER_SIZE + i * DIRECTORY_ENTRY_SIZE;
    const tag = file.toString('latin1', at, at + 4);
    if (!tags.includes(tag)) continue;
    const offset = file.readUInt32BE(at + 4);
    const compressed = file.readUInt32BE(at + 8);
    const original = file.readUInt32BE(at + 12);
    const raw = file.subarray(offset, offset + compressed);
    // A table stored uncompressed has equal lengths (WOFF spec, section 5).
    tables.set(tag, compressed < original ? inflateSync(raw) : Buffer.from(raw));
  }
  const missing = tags.filter((t) => !tables.has(t));
  if (missing.length) throw new Error(`WOFF font lacks table(s) ${missing.join(', ')}`);
  return tables;
}

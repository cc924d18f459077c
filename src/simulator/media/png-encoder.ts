import { deflateSync } from 'node:zlib';
import type { RgbCanvas } from './rgb-canvas.ts';

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Encodes the top-left `width × height` region of an RGB canvas as an 8-bit
 * truecolour PNG. Every row uses the "Up" filter: the flat cards are mostly
 * rows equal to the one above, which then deflate to almost nothing.
 */
export function encodePng(canvas: RgbCanvas, width = canvas.width, height = canvas.height): Buffer {
  const rowBytes = width * 3;
  const raw = new Uint8Array((rowBytes + 1) * height);
  const stride = canvas.width * 3;
  const src = canvas.data;
  for (let y = 0; y < height; y++) {
    const o = y * (rowBytes + 1);
    raw[o] = 2; // filter type Up
    const row = y * stride;
    const above = row - stride;
    for (let i = 0; i < rowBytes; i++) {
      raw[o + 1 + i] = (src[row + i]! - (y > 0 ? src[above + i]! : 0)) & 0xff;
    }
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309 / PNG), over the chunk type and data. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

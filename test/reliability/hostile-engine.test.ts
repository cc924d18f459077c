/**
 * Hostile input at the engine and the video client: huge prompts, control characters, video ids
 * built to reach another upstream path, and images that are not images, too large, or bombs.
 */
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/engine/engine-api.ts';
import { VideoApiError } from '../../src/video/errors.ts';
import {
  actor,
  clientFor,
  type Harness,
  request,
  startHarness,
  submitted,
  waitForState,
} from '../engine/engine-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

function refusal<T>(out: Outcome<T>) {
  if (out.ok) throw new Error('expected a refusal');
  return out.refusal;
}

async function used(user: string): Promise<number> {
  return (await h.engine.usage(actor(user), 'ws1')).videos.used;
}

/** A PNG whose header claims `width`×`height` with a tiny compressed body (a decompression bomb). */
function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64 * 1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('hostile prompts at the engine', () => {
  it('a 10,000-character prompt is refused with the length and the limit, nothing charged or sent', async () => {
    const creates = h.sim.stats.count('create');
    const r = refusal(await h.engine.submit(request('p1', 'x'.repeat(10_000))));
    expect(r.code).toBe('invalid_parameter');
    expect(r.values?.detail).toMatch(/10000 characters long; the limit is 4000/);
    expect(await used('p1')).toBe(0);
    expect(h.sim.stats.count('create')).toBe(creates);
  });

  it('control characters are stripped from the prompt before it is stored or sent; newlines, tabs, zero-width and RTL marks stay', async () => {
    const raw = 'a\u0000 cat\u0007 in\u001b[31m red\u007f\u0085 snow\n\tعربي\u200f\u200b done';
    const { job } = submitted(await h.engine.submit(request('p2', raw)));
    expect(job.prompt).toBe('a cat in[31m red snow\n\tعربي\u200f\u200b done');
    await waitForState(h.engine, job.id, 'delivered');
    expect(h.sim.jobs().some((j) => j.prompt === job.prompt)).toBe(true);
  });

  it('a prompt made only of control characters is refused as empty', async () => {
    const r = refusal(await h.engine.submit(request('p3', '\u0000\u0001\u001f\u007f')));
    expect(r.code).toBe('invalid_parameter');
    expect(await used('p3')).toBe(0);
  });
});

describe('hostile video ids', () => {
  const ids = [
    '../videos',
    'video_1/../../v1/videos',
    '..',
    '.',
    '%2F..%2Fvideos',
    '%2e%2e',
    'video 1',
    'video_1?limit=100',
    'video_1#x',
    'vidéo_ü_視頻',
    'video_1\r\nX-Injected: 1',
    '\\..\\videos',
  ];

  it('a remix of a crafted id is refused, and never reaches an upstream path other than that one id', async () => {
    for (const id of ids) {
      h.sim.stats.reset();
      const out = await h.engine.submit(request('v1', 'a change', { remixOf: id }));
      const r = refusal(out);
      expect(['source_not_found', 'invalid_parameter'], `${JSON.stringify(id)}: ${r.code}`).toContain(r.code);
      for (const seen of h.sim.stats.requests()) {
        expect(seen.route, `${JSON.stringify(id)} reached ${seen.route}`).toBe('retrieve');
        expect(seen.videoId).toBe(id);
      }
    }
    expect(await used('v1')).toBe(0);
  });

  it('the video client path-encodes or refuses crafted ids on retrieve, delete and download', async () => {
    const client = clientFor(h.sim);
    for (const id of ids) {
      h.sim.stats.reset();
      await client.retrieve(id).then(
        () => expect.fail(`retrieve ${JSON.stringify(id)} answered`),
        (err: unknown) => expect(err).toBeInstanceOf(VideoApiError),
      );
      await client.delete(id).catch(() => undefined);
      for (const seen of h.sim.stats.requests()) {
        expect(['retrieve', 'delete'], `${JSON.stringify(id)} reached ${seen.route}`).toContain(seen.route);
        expect(seen.videoId).toBe(id);
      }
    }
  });
});

describe('hostile images', () => {
  const withImage = (user: string, data: Buffer, contentType = 'image/png') =>
    h.engine.submit(request(user, 'animate it', { image: { data, contentType, fileName: 'x.png' } }));

  it('a file that is not an image (even named and typed as PNG) is refused, nothing charged', async () => {
    const r = refusal(await withImage('i1', Buffer.from('<html><script>alert(1)</script></html>')));
    expect(r.code).toBe('invalid_parameter');
    expect(r.values?.detail).toMatch(/not an image/);
    expect(await used('i1')).toBe(0);
  });

  it('an image over 20 MiB is refused with its size and the limit, nothing charged', async () => {
    const big = Buffer.concat([bombPng(10, 10), Buffer.alloc(21 * 1024 * 1024)]);
    const r = refusal(await withImage('i2', big));
    expect(r.values?.detail).toMatch(/limit is 20 MiB/);
    expect(await used('i2')).toBe(0);
  });

  it('a PNG header claiming 100,000 × 100,000 pixels (decompression bomb) is refused before decoding, nothing charged', async () => {
    const r = refusal(await withImage('i3', bombPng(100_000, 100_000)));
    expect(r.code).toBe('invalid_parameter');
    expect(r.values?.detail).toMatch(/too many pixels/);
    expect(await used('i3')).toBe(0);
    expect(h.sim.jobs().filter((j) => j.prompt === 'animate it')).toHaveLength(0);
  });

  it('a truncated PNG is refused as damaged, nothing charged', async () => {
    const r = refusal(await withImage('i4', bombPng(64, 64).subarray(0, 40)));
    expect(r.code).toBe('invalid_parameter');
    expect(await used('i4')).toBe(0);
  });
});

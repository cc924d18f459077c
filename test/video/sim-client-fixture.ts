/**
 * Shared setup for client tests against the simulator: start one, point a client at it,
 * poll with a deadline, read a download to the end.
 */

import sharp from 'sharp';
import { clientDialectFor } from '../../src/simulator/client-dialect.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/simulator.ts';
import { rapidRetryPolicy } from '../../src/video/retry-policy.ts';
import type { Video } from '../../src/video/video.ts';
import { VideoClient, type VideoClientOptions } from '../../src/video/video-client.ts';

export const TEST_KEY = 'sk-test-reelbot-0123456789abcdef';

export async function simWithClient(
  sim: SimulatorOptions = {},
  client: Partial<VideoClientOptions> = {},
): Promise<{ sim: Simulator; client: VideoClient }> {
  const started = await startSimulator({ apiKey: TEST_KEY, seed: 7, ...sim });
  return {
    sim: started,
    client: new VideoClient({
      baseUrl: started.url,
      apiKey: TEST_KEY,
      dialect: clientDialectFor(sim.dialect ?? 'openai'),
      retry: rapidRetryPolicy,
      timeoutMs: 5_000,
      ...client,
    }),
  };
}

/** Retrieve until the video is terminal or `deadlineMs` passes. */
export async function pollUntilDone(client: VideoClient, id: string, deadlineMs = 15_000): Promise<Video> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const v = await client.retrieve(id);
    if (v.status !== 'queued' && v.status !== 'in_progress') return v;
    if (Date.now() > until) throw new Error(`video ${id} still ${v.status} after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, Math.min(v.pollAfterMs ?? 50, 200)));
  }
}

/** Read a stream to the end; returns the bytes. */
export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** A JPEG of exactly `size`. */
export async function jpegOf(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 30, g: 90, b: 160 } } })
    .jpeg()
    .toBuffer();
}

/** Capture the error a promise rejects with. */
export async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

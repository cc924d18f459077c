/**
 * The receiver in front of a real engine and simulator (no HTTP in between): a verified event
 * makes the engine check that job once, and only its own status check decides the outcome.
 * The engine's own polls are pushed out of reach, so every GET seen here came from an event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/engine/job.ts';
import { WebhookReceiver, type WebhookTarget } from '../../src/engine/webhook-receiver.ts';
import { signWebhook } from '../../src/simulator/webhook-sender.ts';
import {
  type Harness,
  request,
  startHarness,
  submitted,
  TEST_TIMING,
  waitFor,
  waitForState,
} from './engine-harness.ts';

const SECRET = `whsec_${Buffer.from('receiver test key, 32 bytes long').toString('base64')}`;
const FAR = 3_600_000;

let n = 0;
/** A signed event as the upstream would send it. */
function event(type: string, videoId: string, o: { secret?: string; body?: string } = {}) {
  n += 1;
  const id = `evt_test_${n}`;
  const stamp = Math.floor(Date.now() / 1000);
  const body =
    o.body ?? JSON.stringify({ id, object: 'event', type, created_at: stamp, data: { id: videoId } });
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': String(stamp),
    'webhook-signature': signWebhook(o.secret ?? SECRET, id, stamp, body),
  };
  return { headers, body };
}

describe('webhook receiver with the engine in webhook mode', () => {
  let h: Harness;
  let receiver: WebhookReceiver;
  const pokes: string[] = [];

  beforeAll(async () => {
    h = await startHarness({
      sim: { concurrencyPerKey: 100 },
      engine: {
        webhooks: true,
        maxConcurrency: 10,
        // Scheduled polls out of reach: only events make the engine look.
        timing: { ...TEST_TIMING, poll: { ...TEST_TIMING.poll, firstMinMs: FAR, minMs: FAR, maxMs: FAR } },
      },
    });
    const target: WebhookTarget = {
      findJobByVideoId: (videoId) => h.engine.findJobByVideoId(videoId),
      pollNow: (jobId) => {
        pokes.push(jobId);
        h.engine.pollNow(jobId);
      },
    };
    receiver = new WebhookReceiver({ secret: SECRET, target });
  });

  afterAll(async () => {
    await h?.close();
  });

  const retrieves = (videoId: string) => h.sim.stats.count('retrieve', videoId);

  /** Submit a job and wait until the upstream has it (and, unless `running`, has finished it). */
  async function upstreamJob(prompt: string, finished = true): Promise<Job & { videoId: string }> {
    const { job } = submitted(await h.engine.submit(request('u1', prompt)));
    const withVideo = await waitFor(async () => {
      const j = await h.engine.getJob(job.id);
      return j?.videoId ? (j as Job & { videoId: string }) : undefined;
    }, 'the upstream video id');
    if (finished) await waitFor(() => h.sim.stats.completion(withVideo.videoId), 'the upstream to finish');
    return withVideo;
  }

  it('a signed video.completed for a finished video: one status check, then the job is delivered', async () => {
    const job = await upstreamJob('a lighthouse at dusk');
    expect(retrieves(job.videoId)).toBe(0);
    const e = event('video.completed', job.videoId);
    expect(await receiver.receive(e.headers, e.body)).toEqual({ status: 200, reason: 'polled' });
    await waitForState(h.engine, job.id, 'delivered');
    expect(retrieves(job.videoId)).toBe(1);
  });

  it('a signed video.failed for a video that actually completed: the check decides, the job is delivered', async () => {
    const job = await upstreamJob('a kite over dunes');
    const e = event('video.failed', job.videoId);
    expect((await receiver.receive(e.headers, e.body)).status).toBe(200);
    await waitForState(h.engine, job.id, 'delivered');
  });

  it('a signed video.completed for a video that failed upstream: the job fails with the real reason', async () => {
    const job = await upstreamJob('a storm at sea [fail]');
    const e = event('video.completed', job.videoId);
    expect((await receiver.receive(e.headers, e.body)).status).toBe(200);
    const failed = await waitForState(h.engine, job.id, 'failed');
    expect(failed.error?.code).toBe('generation_failed');
  });

  it('a signed event for a video still running costs one GET and the job keeps running', async () => {
    const job = await upstreamJob('a clock that never stops [never]', false);
    await waitFor(
      () => h.sim.jobs().find((j) => j.id === job.videoId)?.state === 'in_progress',
      'upstream start',
    );
    const e = event('video.completed', job.videoId);
    expect((await receiver.receive(e.headers, e.body)).status).toBe(200);
    await waitFor(async () => (await h.engine.getJob(job.id))?.state === 'in_progress', 'the check to land');
    expect(retrieves(job.videoId)).toBe(1);
    expect((await h.engine.getJob(job.id))?.state).toBe('in_progress');
  });

  it('a forged signature is refused (401) and triggers no check; the genuine event then does', async () => {
    const job = await upstreamJob('a paper crane');
    const forged = event('video.completed', job.videoId, {
      secret: `whsec_${Buffer.from('not the configured secret at all').toString('base64')}`,
    });
    const pokesBefore = pokes.length;
    expect(await receiver.receive(forged.headers, forged.body)).toEqual({
      status: 401,
      reason: 'bad_signature',
    });
    expect(pokes.length).toBe(pokesBefore);
    const genuine = event('video.completed', job.videoId);
    expect((await receiver.receive(genuine.headers, genuine.body)).status).toBe(200);
    await waitForState(h.engine, job.id, 'delivered');
    expect(retrieves(job.videoId)).toBe(1);
  });

  it('the same event delivered twice is acknowledged but checked once', async () => {
    const job = await upstreamJob('a red balloon [never]', false);
    const e = event('video.completed', job.videoId);
    expect(await receiver.receive(e.headers, e.body)).toEqual({ status: 200, reason: 'polled' });
    expect(await receiver.receive(e.headers, e.body)).toEqual({ status: 200, reason: 'replayed' });
    expect(pokes.filter((id) => id === job.id)).toHaveLength(1);
  });

  it('an unknown video id is acknowledged (200) without a check or a hint that it is unknown', async () => {
    const pokesBefore = pokes.length;
    const e = event('video.completed', 'video_not_ours');
    expect(await receiver.receive(e.headers, e.body)).toEqual({ status: 200, reason: 'unknown_video' });
    expect(pokes.length).toBe(pokesBefore);
  });

  it('a signed body that is not JSON is 400; an event of another type is acknowledged and ignored', async () => {
    const bad = event('video.completed', 'x', { body: '{"type": "video.completed", ' });
    expect(await receiver.receive(bad.headers, bad.body)).toEqual({ status: 400, reason: 'bad_json' });
    const noData = event('video.completed', 'x', { body: '{"type": "video.completed"}' });
    expect((await receiver.receive(noData.headers, noData.body)).status).toBe(400);
    const other = event('batch.completed', 'batch_1');
    expect(await receiver.receive(other.headers, other.body)).toEqual({ status: 200, reason: 'other_event' });
  });

  it('an event for a job already delivered triggers nothing', async () => {
    const job = await upstreamJob('a snail on a leaf');
    const first = event('video.completed', job.videoId);
    await receiver.receive(first.headers, first.body);
    await waitForState(h.engine, job.id, 'delivered');
    const late = event('video.completed', job.videoId);
    expect(await receiver.receive(late.headers, late.body)).toEqual({ status: 200, reason: 'finished_job' });
    expect(retrieves(job.videoId)).toBe(1);
  });
});

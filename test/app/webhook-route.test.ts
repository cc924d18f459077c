/**
 * `POST /webhooks/video` on the ops server, at the HTTP boundary: status codes, the body limit
 * and what the answers reveal. The engine behind it is a recording fake (the real one is in
 * `webhook-delivery.test.ts` and `test/engine/webhook-receiver.test.ts`).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpsServer, startOpsServer, WEBHOOK_MAX_BYTES } from '../../src/app/ops-server.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Job } from '../../src/engine/job.ts';
import { WebhookReceiver } from '../../src/engine/webhook-receiver.ts';
import { signWebhook } from '../../src/simulator/webhook-sender.ts';

const SECRET = `whsec_${Buffer.from('route test key that is 32 bytes.').toString('base64')}`;

let n = 0;
function signed(body: string, secret = SECRET): Record<string, string> {
  n += 1;
  const id = `evt_route_${n}`;
  const stamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(stamp),
    'webhook-signature': signWebhook(secret, id, stamp, body),
  };
}

const eventBody = (videoId: string, pad = '') =>
  JSON.stringify({
    id: 'evt',
    object: 'event',
    type: 'video.completed',
    created_at: 1,
    data: { id: videoId },
    pad,
  });

describe('POST /webhooks/video', () => {
  let ops: OpsServer;
  const polled: string[] = [];
  const known = { id: 'job_1', state: 'in_progress' } as Job;
  let storeDown = false;

  beforeAll(async () => {
    const receiver = new WebhookReceiver({
      secret: SECRET,
      target: {
        findJobByVideoId: async (videoId) => {
          if (storeDown) throw new Error('database is locked (test)');
          return videoId === 'video_known' ? known : undefined;
        },
        pollNow: (jobId) => polled.push(jobId),
      },
    });
    ops = await startOpsServer({
      port: 0,
      health: async () => ({ status: 'ok', engine: 'running', store: 'ok', uptimeS: 1, simulated: true }),
      metrics: { render: () => '' },
      webhook: receiver,
    });
  });

  afterAll(async () => {
    await ops?.close();
  });

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${ops.url}/webhooks/video`, { method: 'POST', headers, body });

  it('a signed event for a followed video: 200 and that job is checked', async () => {
    const body = eventBody('video_known');
    const res = await post(body, signed(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(polled).toEqual(['job_1']);
  });

  it('a signed event for a video the bot does not know gets the very same answer', async () => {
    const body = eventBody('video_unknown');
    const res = await post(body, signed(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(polled).toEqual(['job_1']);
  });

  it.each([
    ['no signature headers', () => ({ 'content-type': 'application/json' })],
    [
      'a signature made with another secret',
      () => signed(eventBody('video_known'), `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}`),
    ],
    ['a signature of another body', () => signed(eventBody('video_other'))],
  ])('%s: 401 and no check', async (_name, headers) => {
    const before = polled.length;
    const res = await post(eventBody('video_known'), headers());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid signature' });
    expect(polled.length).toBe(before);
  });

  it('an event signed more than 5 minutes ago: 401', async () => {
    const body = eventBody('video_known');
    const stamp = Math.floor(Date.now() / 1000) - 600;
    const res = await post(body, {
      'webhook-id': 'evt_old',
      'webhook-timestamp': String(stamp),
      'webhook-signature': signWebhook(SECRET, 'evt_old', stamp, body),
    });
    expect(res.status).toBe(401);
  });

  it('a signed body that is not JSON: 400', async () => {
    const body = 'not json at all';
    const res = await post(body, signed(body));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid event' });
  });

  it('a body of exactly 64 KiB is read; one byte more is 413 before any signature check', async () => {
    const base = eventBody('video_known');
    const fits = eventBody('video_known', 'x'.repeat(WEBHOOK_MAX_BYTES - base.length));
    expect(Buffer.byteLength(fits)).toBe(WEBHOOK_MAX_BYTES);
    expect((await post(fits, signed(fits))).status).toBe(200);
    const over = `${fits} `;
    const res = await post(over, signed(over));
    expect(res.status).toBe(413);
  });

  it('an oversized body sent without Content-Length (chunked) is cut off with 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${ops.url}/webhooks/video`, { method: 'POST', headers: signed('') }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // Two chunks of 40 KiB: the second takes the body past the limit mid-stream.
      req.write(Buffer.alloc(40 * 1024, 0x20));
      req.end(Buffer.alloc(40 * 1024, 0x20));
    });
    expect(status).toBe(413);
  });

  it('when the store fails the answer is 500, and the sender retrying the same event gets through', async () => {
    const body = eventBody('video_known');
    const headers = signed(body);
    const before = polled.length;
    storeDown = true;
    const failed = await post(body, headers);
    storeDown = false;
    expect(failed.status).toBe(500);
    const retried = await post(body, headers);
    expect(retried.status).toBe(200);
    expect(polled.length).toBe(before + 1);
  });

  it('GET is 405 with Allow: POST', async () => {
    const res = await fetch(`${ops.url}/webhooks/video`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('WEBHOOK_SECRET configuration', () => {
  const base = { METRICS_PORT: '9464' };

  it('needs METRICS_PORT, and says so', () => {
    expect(() => loadConfig({ WEBHOOK_SECRET: SECRET })).toThrow(/WEBHOOK_SECRET needs METRICS_PORT/);
  });

  it('must look like a signing secret; the message does not echo the value', () => {
    const value = 'my secret with spaces';
    let message = '';
    try {
      loadConfig({ ...base, WEBHOOK_SECRET: value });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/WEBHOOK_SECRET must be the signing secret/);
    expect(message).not.toContain(value);
  });

  it('whsec_<base64> with METRICS_PORT is accepted', () => {
    expect(loadConfig({ ...base, WEBHOOK_SECRET: SECRET }).WEBHOOK_SECRET).toBe(SECRET);
  });
});

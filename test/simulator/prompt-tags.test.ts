import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NEVER_STALL_PERCENT } from '../../src/simulator/sim-job.ts';
import type { Simulator } from '../../src/simulator/simulator.ts';
import { signWebhook } from '../../src/simulator/webhook-sender.ts';
import { call, createVideo, pollUntilDone, progressNumber, startFast, waitFor } from './sim-http.ts';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('prompt tags', () => {
  it('[reject] is refused at create with 400 content_policy_violation and makes no job', async () => {
    sim = await startFast();
    const r = await call(sim, '/videos', { json: { prompt: 'a cat [reject]' } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'content_policy_violation' });
    expect(sim.jobs()).toHaveLength(0);
  });

  it.each(['a dog [policy]', 'a Celebrity waving'])(
    '"%s" is accepted, then fails with content_policy_violation',
    async (prompt) => {
      sim = await startFast();
      const id = String((await createVideo(sim, { prompt })).id);
      const last = (await pollUntilDone(sim, id)).at(-1)!;
      expect(last).toMatchObject({ status: 'failed', error: { code: 'content_policy_violation' } });
      expect(progressNumber(last)).toBeLessThan(100);
    },
  );

  it('[fail] fails with generation_failed (form writes it as failed too)', async () => {
    sim = await startFast({ dialect: 'form' });
    const id = String((await createVideo(sim, { prompt: 'storm [fail]' })).id);
    const last = (await pollUntilDone(sim, id)).at(-1)!;
    expect(last).toMatchObject({ status: 'failed', error: { code: 'generation_failed' } });
  });

  it('[never] stays in progress with progress stalled', async () => {
    sim = await startFast();
    const id = String((await createVideo(sim, { prompt: 'forever [never]' })).id);
    const stalled = await waitFor(async () => {
      const b = (await call(sim!, `/videos/${id}`)).body;
      return progressNumber(b) === NEVER_STALL_PERCENT ? b : undefined;
    }, 'progress to stall');
    expect(stalled.status).toBe('in_progress');
    // Well past the normal run time it is still stuck at the same value.
    const job = sim.job(id)!;
    await waitFor(
      () => (Date.now() > job.startedAtMs! + job.runMs * 3 ? true : undefined),
      'run time to pass',
    );
    expect((await call(sim, `/videos/${id}`)).body).toMatchObject({
      status: 'in_progress',
      progress: NEVER_STALL_PERCENT,
    });
    expect(sim.stats.completion(id)).toBeUndefined();
  });

  it('[slow] takes ten times the normal run time', async () => {
    sim = await startFast({ timing: { jitter: 0 } });
    const normal = String((await createVideo(sim, { prompt: 'fast' })).id);
    const slow = String((await createVideo(sim, { prompt: 'snail [slow]' })).id);
    expect(sim.job(slow)!.runMs).toBe(sim.job(normal)!.runMs * 10);
  });
});

describe('webhooks', () => {
  it('POSTs video.completed and video.failed signed per Standard Webhooks', async () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const { port } = receiver.address() as AddressInfo;
    try {
      sim = await startFast({ webhook: { url: `http://127.0.0.1:${port}/hook`, secret } });
      const ok = String((await createVideo(sim)).id);
      const bad = String((await createVideo(sim, { prompt: 'x [fail]' })).id);
      await waitFor(() => (received.length >= 2 ? true : undefined), 'two webhook deliveries');

      const events = received.map((r) => ({ ...r, event: JSON.parse(r.body) }));
      const byVideo = new Map(events.map((e) => [e.event.data.id as string, e]));
      expect(byVideo.get(ok)?.event).toMatchObject({ object: 'event', type: 'video.completed' });
      expect(byVideo.get(bad)?.event).toMatchObject({ type: 'video.failed' });
      for (const e of events) {
        const id = String(e.headers['webhook-id']);
        const ts = Number(e.headers['webhook-timestamp']);
        expect(e.headers['webhook-signature']).toBe(signWebhook(secret, id, ts, e.body));
        expect(e.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      }
    } finally {
      await sim?.close();
      await new Promise((r) => receiver.close(r));
    }
  });

  it('the signature is HMAC-SHA256 over id.timestamp.body with the decoded secret', async () => {
    const { createHmac } = await import('node:crypto');
    const key = Buffer.from('secret-bytes');
    const secret = `whsec_${key.toString('base64')}`;
    const expected = createHmac('sha256', key).update('msg_1.1700000000.{"a":1}').digest('base64');
    expect(signWebhook(secret, 'msg_1', 1_700_000_000, '{"a":1}')).toBe(`v1,${expected}`);
  });
});

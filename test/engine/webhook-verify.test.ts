import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_TIMING, nextPollDelay, webhookPollTiming } from '../../src/engine/poll-schedule.ts';
import {
  SeenWebhookIds,
  verifyStandardWebhook,
  WEBHOOK_TOLERANCE_MS,
  type WebhookHeaders,
} from '../../src/engine/webhook-receiver.ts';
import { signWebhook } from '../../src/simulator/webhook-sender.ts';

const SECRET = `whsec_${Buffer.from('a test signing key of 32 bytes!!').toString('base64')}`;
const OTHER = `whsec_${Buffer.from('another key, not the configured').toString('base64')}`;
const NOW = 1_800_000_000_000;
const STAMP = NOW / 1000;
const BODY = JSON.stringify({
  id: 'evt_1',
  object: 'event',
  type: 'video.completed',
  created_at: STAMP,
  data: { id: 'video_1' },
});

function headers(o: { id?: string; stamp?: number; body?: string; secret?: string } = {}): WebhookHeaders {
  const id = o.id ?? 'evt_1';
  const stamp = o.stamp ?? STAMP;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(stamp),
    'webhook-signature': signWebhook(o.secret ?? SECRET, id, stamp, o.body ?? BODY),
  };
}

function without(h: WebhookHeaders, name: string): WebhookHeaders {
  const { [name]: _gone, ...rest } = h;
  return rest;
}

describe('verifyStandardWebhook', () => {
  const good = headers();
  const table: Array<[string, WebhookHeaders, string, boolean | string]> = [
    ['signed with the configured secret', good, BODY, true],
    ['signed with another secret', headers({ secret: OTHER }), BODY, 'bad_signature'],
    ['body changed after signing', good, BODY.replace('completed', 'failed'), 'bad_signature'],
    [
      'signature truncated',
      { ...good, 'webhook-signature': String(good['webhook-signature']).slice(0, 20) },
      BODY,
      'bad_signature',
    ],
    ['signature for another id', { ...good, 'webhook-id': 'evt_2' }, BODY, 'bad_signature'],
    [
      'signature for another timestamp',
      { ...good, 'webhook-timestamp': String(STAMP + 1) },
      BODY,
      'bad_signature',
    ],
    [
      'unknown signature version only',
      { ...good, 'webhook-signature': String(good['webhook-signature']).replace('v1,', 'v2,') },
      BODY,
      'bad_signature',
    ],
    [
      'several signatures, the good one last (key rotation)',
      {
        ...good,
        'webhook-signature': `${headers({ secret: OTHER })['webhook-signature']} v1a,xyz ${good['webhook-signature']}`,
      },
      BODY,
      true,
    ],
    [
      'several signatures, none good',
      { ...good, 'webhook-signature': `${headers({ secret: OTHER })['webhook-signature']} v1,AAAA` },
      BODY,
      'bad_signature',
    ],
    ['4 minutes old', headers({ stamp: STAMP - 240 }), BODY, true],
    ['6 minutes old', headers({ stamp: STAMP - 360 }), BODY, 'too_old'],
    ['6 minutes in the future', headers({ stamp: STAMP + 360 }), BODY, 'too_new'],
    ['timestamp not a number', { ...good, 'webhook-timestamp': '17e8' }, BODY, 'bad_timestamp'],
    ['no webhook-id', without(good, 'webhook-id'), BODY, 'missing_headers'],
    ['no webhook-timestamp', without(good, 'webhook-timestamp'), BODY, 'missing_headers'],
    ['no webhook-signature', without(good, 'webhook-signature'), BODY, 'missing_headers'],
    ['empty webhook-signature', { ...good, 'webhook-signature': '' }, BODY, 'missing_headers'],
    ['webhook-id of 300 characters', headers({ id: 'e'.repeat(300) }), BODY, 'missing_headers'],
  ];

  it.each(table)('%s → %s', (_name, h, body, expected) => {
    const verdict = verifyStandardWebhook(SECRET, h, body, NOW);
    if (expected === true)
      expect(verdict).toEqual({ ok: true, id: h['webhook-id'], timestamp: Number(h['webhook-timestamp']) });
    else expect(verdict).toEqual({ ok: false, reason: expected });
  });

  it('matches the Standard Webhooks specification test vector', () => {
    const h = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    const verdict = verifyStandardWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      h,
      '{"test": 2432232314}',
      1614265330_000,
    );
    expect(verdict.ok).toBe(true);
  });

  it('accepts the secret without its whsec_ prefix and the body as bytes', () => {
    const verdict = verifyStandardWebhook(SECRET.slice('whsec_'.length), headers(), Buffer.from(BODY), NOW);
    expect(verdict.ok).toBe(true);
  });

  it('a verified id seen again inside the window is refused as replayed, a new id passes', () => {
    const seen = new SeenWebhookIds();
    expect(verifyStandardWebhook(SECRET, good, BODY, NOW, seen).ok).toBe(true);
    expect(verifyStandardWebhook(SECRET, good, BODY, NOW + 1000, seen)).toEqual({
      ok: false,
      reason: 'replayed',
    });
    expect(verifyStandardWebhook(SECRET, headers({ id: 'evt_9' }), BODY, NOW + 1000, seen).ok).toBe(true);
  });

  it('a forged request does not spend a slot in the replay memory', () => {
    const seen = new SeenWebhookIds();
    expect(verifyStandardWebhook(SECRET, headers({ secret: OTHER }), BODY, NOW, seen).ok).toBe(false);
    expect(seen.size).toBe(0);
    expect(verifyStandardWebhook(SECRET, good, BODY, NOW, seen).ok).toBe(true);
  });

  it('the same replay after the window is refused as too old, not remembered forever', () => {
    const seen = new SeenWebhookIds();
    verifyStandardWebhook(SECRET, good, BODY, NOW, seen);
    const later = NOW + WEBHOOK_TOLERANCE_MS + 1000;
    expect(verifyStandardWebhook(SECRET, good, BODY, later, seen)).toEqual({ ok: false, reason: 'too_old' });
    expect(seen.has('evt_1', later)).toBe(false);
  });

  it('the replay memory stays within its bound, dropping expired ids first', () => {
    const seen = new SeenWebhookIds(3);
    seen.add('old', NOW - WEBHOOK_TOLERANCE_MS - 1, NOW);
    for (const id of ['a', 'b', 'c']) seen.add(id, NOW, NOW);
    expect(seen.size).toBe(3);
    expect(seen.has('a', NOW) && seen.has('b', NOW) && seen.has('c', NOW)).toBe(true);
    seen.add('d', NOW, NOW);
    expect(seen.size).toBe(3);
    expect(seen.has('d', NOW)).toBe(true);
  });
});

describe('webhookPollTiming', () => {
  const state = { polls: 3, expectedRunMs: 200_000, runningForMs: 10_000, progress: 5, consecutiveErrors: 0 };
  const noJitter = () => 0.5;

  it('makes the first poll and the longest interval later, keeping error backoff', () => {
    const relaxed = webhookPollTiming(DEFAULT_POLL_TIMING);
    expect(relaxed.maxMs).toBe(DEFAULT_POLL_TIMING.maxMs * 4);
    expect(relaxed.minMs).toBe(relaxed.maxMs);
    expect(relaxed.errorBaseMs).toBe(DEFAULT_POLL_TIMING.errorBaseMs);
    const first = { ...state, polls: 0 };
    expect(nextPollDelay(relaxed, first, noJitter)).toBeGreaterThan(
      nextPollDelay(DEFAULT_POLL_TIMING, first, noJitter),
    );
  });

  it('still polls a job near its expected end, at the steady safety-net pace instead of chasing it', () => {
    const relaxed = webhookPollTiming(DEFAULT_POLL_TIMING);
    const nearEnd = { ...state, runningForMs: 190_000, progress: 95 };
    expect(nextPollDelay(DEFAULT_POLL_TIMING, nearEnd, noJitter)).toBeLessThan(DEFAULT_POLL_TIMING.maxMs);
    expect(nextPollDelay(relaxed, nearEnd, noJitter)).toBe(DEFAULT_POLL_TIMING.maxMs * 4);
  });

  it('still polls a long job (safety net), just less often', () => {
    const relaxed = webhookPollTiming(DEFAULT_POLL_TIMING);
    const plain = nextPollDelay(DEFAULT_POLL_TIMING, state, noJitter);
    const withHooks = nextPollDelay(relaxed, state, noJitter);
    expect(plain).toBe(DEFAULT_POLL_TIMING.maxMs);
    expect(withHooks).toBe(DEFAULT_POLL_TIMING.maxMs * 4);
    expect(Number.isFinite(withHooks)).toBe(true);
  });
});

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.ts';
import { call, form, startFast } from './sim-http.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startFast({ apiKey: 'sk-secret-simulator-key-123', timing: { queuedMs: 60_000 } });
});
afterAll(() => sim.close());

function image(width: number, height: number, format: 'png' | 'jpeg' | 'webp'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .toFormat(format)
    .toBuffer();
}

function imageForm(bytes: Buffer, type: string, size = '1280x720'): FormData {
  return form({
    prompt: 'she turns around',
    size,
    input_reference: new Blob([new Uint8Array(bytes)], { type }),
  });
}

describe('create validation', () => {
  it.each([
    ['a missing prompt', {}],
    ['an empty prompt', { prompt: '   ' }],
    ['a prompt that is not text', { prompt: 42 }],
    ['a prompt over 32000 characters', { prompt: 'x'.repeat(32_001) }],
    ['a size not offered', { prompt: 'x', size: '640x480' }],
    ['seconds not offered', { prompt: 'x', seconds: '5' }],
    ['seconds that are not a number', { prompt: 'x', seconds: 'four' }],
  ])('refuses %s with 400 invalid_parameter naming the field', async (_, body) => {
    const r = await call(sim, '/videos', { json: body });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_parameter', type: 'invalid_request_error' });
    expect(typeof r.body.error?.param).toBe('string');
  });

  it('accepts seconds as a string or a number and every offered size', async () => {
    for (const [size, seconds] of [
      ['1280x720', '4'],
      ['720x1280', 8],
      ['1024x1792', '12'],
      ['1792x1024', 4],
    ] as const) {
      const r = await call(sim, '/videos', { json: { prompt: 'x', size, seconds } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ size, seconds: String(seconds) });
    }
  });

  it('refuses a body that is not JSON', async () => {
    const res = await fetch(`${sim.url}/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.options.apiKey}`, 'content-type': 'application/json' },
      body: '{"prompt":',
    });
    expect(res.status).toBe(400);
    await res.arrayBuffer();
  });
});

describe('image to video', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
  ] as const)('accepts a %s input_reference whose resolution equals size', async (format, type) => {
    const r = await call(sim, '/videos', { form: imageForm(await image(1280, 720, format), type) });
    expect(r.status).toBe(200);
    expect(sim.job(String(r.body.id))?.hasInputReference).toBe(true);
  });

  it('refuses an image whose resolution differs from size, saying both', async () => {
    const r = await call(sim, '/videos', { form: imageForm(await image(720, 1280, 'png'), 'image/png') });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_parameter', param: 'input_reference' });
    expect(String(r.body.error?.message)).toContain('720x1280');
    expect(String(r.body.error?.message)).toContain('1280x720');
  });

  it('refuses a file that is not an image even when it claims to be a PNG', async () => {
    const r = await call(sim, '/videos', { form: imageForm(Buffer.from('GIF89a not really'), 'image/png') });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_parameter', param: 'input_reference' });
  });
});

describe('authentication', () => {
  it.each([
    ['no key', null],
    ['a wrong key', 'Bearer sk-wrong-key-that-must-not-echo'],
    ['the right key without Bearer', 'sk-secret-simulator-key-123'],
  ])('refuses %s with 401 invalid_api_key and never echoes the key', async (_, auth) => {
    const r = await call(sim, '/videos', { json: { prompt: 'x' }, auth });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      error: {
        message: 'Incorrect API key provided',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      },
    });
    expect(r.text).not.toContain('sk-');
  });

  it('guards every API route', async () => {
    for (const [method, path] of [
      ['GET', '/videos'],
      ['GET', '/videos/video_1'],
      ['DELETE', '/videos/video_1'],
      ['GET', '/videos/video_1/content'],
      ['POST', '/videos/video_1/remix'],
    ]) {
      expect((await call(sim, path!, { method: method!, auth: null })).status).toBe(401);
    }
  });

  it('gateway accepts the key without Bearer', async () => {
    const gw = await startFast({ dialect: 'gateway', apiKey: 'sk-gateway-key' });
    try {
      expect((await call(gw, '/videos', { auth: 'sk-gateway-key' })).status).toBe(200);
      expect((await call(gw, '/videos', { auth: 'sk-other-key' })).status).toBe(401);
    } finally {
      await gw.close();
    }
  });
});

describe('dialect error shapes', () => {
  it.each([
    [
      'openai',
      {
        message: expect.any(String),
        type: 'invalid_request_error',
        param: 'size',
        code: 'invalid_parameter',
      },
    ],
    ['body-remix', { message: expect.any(String), code: 'invalid_parameter' }],
    ['form', { message: expect.any(String), type: 'invalid_request_error', code: 'invalid_parameter' }],
    [
      'json-remix-size',
      {
        message: expect.stringContaining('invalid_parameter'),
        message_zh: expect.any(String),
        type: 'invalid_request_error',
      },
    ],
    ['gateway', { message: expect.any(String), type: 'new_api_error', param: '', code: 'invalid_parameter' }],
  ] as const)('%s writes a bad size as its own error body', async (dialect, error) => {
    const s = await startFast({ dialect });
    try {
      const fields = { prompt: 'x', size: '1x1' };
      const r =
        dialect === 'form'
          ? await call(s, '/videos', { form: form(fields) })
          : await call(s, '/videos', { json: fields });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error });
    } finally {
      await s.close();
    }
  });
});

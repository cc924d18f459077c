/**
 * `POST /videos/edits`, `POST /videos/extensions` and `/videos/characters` over raw HTTP, in
 * every dialect: the same validation, concurrency, auth, fault handling and persistence as
 * the other routes. (The official SDK's view of them is in `openai-sdk.test.ts`.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cardSpecFor } from '../../src/simulator/media-cache.ts';
import type { Simulator } from '../../src/simulator/simulator.ts';
import { type CallResult, call, createVideo, form, startFast } from './sim-http.ts';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A body the dialect accepts: JSON `{video:{id}}`, or the SDK's multipart `video[id]` for `form`. */
function derived(s: Simulator, route: 'edits' | 'extensions', fields: Record<string, string>) {
  const { id, ...rest } = fields;
  if (s.options.dialect === 'form') {
    return call(s, `/videos/${route}`, { form: form({ ...(id ? { 'video[id]': id } : {}), ...rest }) });
  }
  return call(s, `/videos/${route}`, { json: { ...(id ? { video: { id } } : {}), ...rest } });
}

async function completedSource(s: Simulator, seconds = '4'): Promise<string> {
  const id = String((await createVideo(s, { size: '720x1280', seconds })).id);
  s.completeNow(id);
  return id;
}

function sourceOf(r: CallResult): string {
  return String(r.body.remixed_from_video_id);
}

const FLAT_PALETTE = () => ({
  background: [0, 0, 0] as const,
  foreground: [255, 255, 255] as const,
  accent: [255, 0, 0] as const,
});
const LOOK = { badge: 'SIMULATED', keyframeIntervalSeconds: undefined };

function mp4Upload(): Blob {
  return new Blob([Buffer.from('\0\0\0\x18ftypisom\0\0\0\0isom')], { type: 'video/mp4' });
}

describe.each(['openai', 'body-remix', 'form', 'json-remix-size', 'gateway'] as const)(
  'dialect %s',
  (dialect) => {
    it('edits a completed video into a new one that inherits size and seconds and names its source', async () => {
      sim = await startFast({ dialect });
      const sourceId = await completedSource(sim, '8');
      const r = await derived(sim, 'edits', { id: sourceId, prompt: 'paint it blue' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ size: '720x1280', prompt: 'paint it blue' });
      expect(Number(r.body.seconds)).toBe(8);
      expect(sourceId).toContain(sourceOf(r)); // json-remix-size drops the `video_` prefix
      expect(sim.job(String(r.body.id))).toMatchObject({
        remixedFromVideoId: sourceId,
        changeKinds: ['edit'],
      });
    });

    it('extends a completed video to the stitched total', async () => {
      sim = await startFast({ dialect });
      const sourceId = await completedSource(sim, '8');
      const r = await derived(sim, 'extensions', { id: sourceId, prompt: 'and then it rains', seconds: '4' });
      expect(r.status).toBe(200);
      expect(Number(r.body.seconds)).toBe(12);
      expect(sim.job(String(r.body.id))).toMatchObject({ seconds: 12, changeKinds: ['extension'] });
    });

    it('makes and reads back a character', async () => {
      sim = await startFast({ dialect });
      const made = await call(sim, '/videos/characters', {
        form: form({ name: 'Mira', video: mp4Upload() }),
      });
      expect(made.status).toBe(200);
      expect(made.body).toEqual({
        id: expect.stringMatching(/^char_/),
        name: 'Mira',
        created_at: expect.any(Number),
      });
      const read = await call(sim, `/videos/characters/${String(made.body.id)}`);
      expect(read.body).toEqual(made.body);
    });
  },
);

describe('edits and extensions: validation', () => {
  it('refuses a missing source, a missing prompt and an unknown id, before any job is made', async () => {
    sim = await startFast();
    const noSource = await call(sim, '/videos/edits', { json: { prompt: 'x' } });
    expect(noSource.status).toBe(400);
    expect(noSource.body.error).toMatchObject({ code: 'invalid_parameter', param: 'video' });
    const sourceId = await completedSource(sim);
    const noPrompt = await call(sim, '/videos/edits', { json: { video: { id: sourceId } } });
    expect(noPrompt.body.error).toMatchObject({ code: 'invalid_parameter', param: 'prompt' });
    const unknown = await call(sim, '/videos/edits', { json: { video: { id: 'video_nope' }, prompt: 'x' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'invalid_video_id' });
    expect(sim.jobs()).toHaveLength(1);
  });

  it('refuses unfinished and expired sources with the codes remix uses', async () => {
    sim = await startFast();
    const running = String((await createVideo(sim, { prompt: 'busy [never]' })).id);
    const notDone = await call(sim, '/videos/extensions', {
      json: { video: { id: running }, prompt: 'x', seconds: '4' },
    });
    expect(notDone.body.error).toMatchObject({ code: 'video_not_completed', param: 'video' });
    const old = await completedSource(sim);
    sim.expireNow(old);
    const expired = await call(sim, '/videos/edits', { json: { video: { id: old }, prompt: 'x' } });
    expect(expired.body.error).toMatchObject({ code: 'video_expired' });
  });

  it('wants the added seconds among the offered lengths, like create', async () => {
    sim = await startFast();
    const sourceId = await completedSource(sim);
    const missing = await call(sim, '/videos/extensions', { json: { video: { id: sourceId }, prompt: 'x' } });
    expect(missing.body.error).toMatchObject({ code: 'invalid_parameter', param: 'seconds' });
    expect(String(missing.body.error?.message)).toMatch(/Missing required parameter/);
    const odd = await call(sim, '/videos/extensions', {
      json: { video: { id: sourceId }, prompt: 'x', seconds: '5' },
    });
    expect(odd.body.error).toMatchObject({ code: 'invalid_parameter', param: 'seconds' });
    expect(String(odd.body.error?.message)).toContain('4, 8, 12');
  });

  it('refuses an uploaded video file as the source, saying to send video[id]', async () => {
    sim = await startFast();
    const r = await call(sim, '/videos/edits', { form: form({ prompt: 'x', video: mp4Upload() }) });
    expect(r.status).toBe(400);
    expect(String(r.body.error?.message)).toContain('video[id]');
  });

  it('wants multipart in the form dialect, like its other POST routes', async () => {
    sim = await startFast({ dialect: 'form' });
    const sourceId = await completedSource(sim);
    const r = await call(sim, '/videos/edits', { json: { video: { id: sourceId }, prompt: 'x' } });
    expect(r.status).toBe(415);
  });

  it('writes each change of the chain on the card with its kind', async () => {
    sim = await startFast();
    const root = await completedSource(sim);
    const remix = await call(sim, `/videos/${root}/remix`, { json: { prompt: 'add snow' } });
    const remixId = String(remix.body.id);
    sim.completeNow(remixId);
    const edit = await call(sim, '/videos/edits', {
      json: { video: { id: remixId }, prompt: 'paint it blue' },
    });
    const editId = String(edit.body.id);
    sim.completeNow(editId);
    const ext = await call(sim, '/videos/extensions', {
      json: { video: { id: editId }, prompt: 'night falls', seconds: '8' },
    });
    const card = cardSpecFor(sim.job(String(ext.body.id))!, LOOK, FLAT_PALETTE);
    expect(card.title).toBe('a lighthouse at dawn');
    expect(card.lines).toEqual([
      'remix: add snow',
      'edit: paint it blue',
      'extension: night falls',
      `from ${editId}`,
    ]);
    expect(card.seconds).toBe(12);
  });
});

describe('characters: validation', () => {
  it('wants a name of at most 80 characters and a real video upload', async () => {
    sim = await startFast();
    const cases: [FormData, string][] = [
      [form({ video: mp4Upload() }), 'name'],
      [form({ name: 'x'.repeat(81), video: mp4Upload() }), 'name'],
      [form({ name: 'Mira' }), 'video'],
      [form({ name: 'Mira', video: new Blob(['not a video'], { type: 'video/mp4' }) }), 'video'],
    ];
    for (const [body, param] of cases) {
      const r = await call(sim, '/videos/characters', { form: body });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'invalid_parameter', param });
    }
    const exactly80 = await call(sim, '/videos/characters', {
      form: form({ name: 'y'.repeat(80), video: mp4Upload() }),
    });
    expect(exactly80.status).toBe(200);
    expect(sim.characters()).toHaveLength(1);
  });

  it('answers 404 character_not_found for an unknown id', async () => {
    sim = await startFast();
    const r = await call(sim, '/videos/characters/char_nope');
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'character_not_found' });
  });
});

describe('the shared request pipeline', () => {
  it('without editRoutes, all four routes are Invalid URL 404s (like older deployments)', async () => {
    sim = await startFast({ editRoutes: false });
    const sourceId = await completedSource(sim);
    const answers = [
      await call(sim, '/videos/edits', { json: { video: { id: sourceId }, prompt: 'x' } }),
      await call(sim, '/videos/extensions', { json: { video: { id: sourceId }, prompt: 'x', seconds: '4' } }),
      await call(sim, '/videos/characters', { form: form({ name: 'Mira', video: mp4Upload() }) }),
      await call(sim, '/videos/characters/char_x'),
    ];
    for (const a of answers) {
      expect(a.status).toBe(404);
      expect(String(a.body.error?.message)).toMatch(/Invalid URL/);
    }
    expect(sim.jobs()).toHaveLength(1);
  });

  it('needs the key on every new route', async () => {
    sim = await startFast();
    for (const path of ['/videos/edits', '/videos/extensions', '/videos/characters']) {
      const r = await call(sim, path, { json: {}, auth: null });
      expect(r.status).toBe(401);
    }
    expect((await call(sim, '/videos/characters/char_x', { auth: null })).status).toBe(401);
  });

  it('refuses an edit over the concurrency limit with 429 and Retry-After (overLimit: reject)', async () => {
    sim = await startFast({ concurrencyPerKey: 1, overLimit: 'reject' });
    const sourceId = await completedSource(sim);
    await createVideo(sim, { prompt: 'holds the slot [never]' });
    const r = await call(sim, '/videos/edits', { json: { video: { id: sourceId }, prompt: 'x' } });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(sim.jobs()).toHaveLength(2);
  });

  it('suffers faults armed for its route and counts requests under it', async () => {
    sim = await startFast();
    const sourceId = await completedSource(sim);
    sim.faults.inject({ route: 'extend', kind: 'status', status: 503 });
    const faulted = await call(sim, '/videos/extensions', {
      json: { video: { id: sourceId }, prompt: 'x', seconds: '4' },
    });
    expect(faulted.status).toBe(503);
    expect(sim.jobs()).toHaveLength(1);
    const ok = await call(sim, '/videos/extensions', {
      json: { video: { id: sourceId }, prompt: 'x', seconds: '4' },
    });
    expect(ok.status).toBe(200);
    expect(sim.stats.count('extend')).toBe(2);
  });
});

describe('persistence', () => {
  it('keeps characters and the kinds of changes across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reelbot-sim-derived-'));
    const stateFile = join(dir, 'state.json');
    try {
      const first = await startFast({ stateFile });
      const sourceId = await completedSource(first);
      const edit = await call(first, '/videos/edits', { json: { video: { id: sourceId }, prompt: 'blue' } });
      const made = await call(first, '/videos/characters', {
        form: form({ name: 'Mira', video: mp4Upload() }),
      });
      await first.close();

      sim = await startFast({ stateFile });
      expect(sim.job(String(edit.body.id))?.changeKinds).toEqual(['edit']);
      expect(sim.job(sourceId)?.changeKinds).toBeUndefined();
      const read = await call(sim, `/videos/characters/${String(made.body.id)}`);
      expect(read.body).toEqual(made.body);
    } finally {
      await sim?.close();
      sim = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { runProbe } from '../../src/platforms/cli/probe.ts';
import { startSimulator } from '../../src/simulator/simulator.ts';
import { RESOLVED_DIALECTS } from '../../src/video/dialect-requests.ts';
import { VideoClient } from '../../src/video/video-client.ts';
import { TEST_KEY } from './sim-client-fixture.ts';

function collector() {
  let text = '';
  return { out: { write: (s: string) => (text += s) }, text: () => text };
}

const configFor = (url: string | undefined, key = TEST_KEY) => ({
  VIDEO_API_BASE_URL: url,
  VIDEO_API_KEYS: [key],
  VIDEO_API_DIALECT: 'auto' as const,
  VIDEO_API_TIMEOUT_MS: 5_000,
  simulated: url === undefined,
});

describe('cli probe', () => {
  it.each(RESOLVED_DIALECTS)(
    'names the %s dialect of a simulator and lists its recent videos',
    async (dialect) => {
      const sim = await startSimulator({ dialect, apiKey: TEST_KEY });
      try {
        const seeded = new VideoClient({ baseUrl: sim.url, apiKey: TEST_KEY, dialect });
        const v = await seeded.create({ prompt: 'a probe target', size: '1280x720', seconds: 4 });
        const { out, text } = collector();
        expect(await runProbe(configFor(sim.url), out)).toBe(0);
        expect(text()).toContain(`dialect:      ${dialect}`);
        expect(text()).toContain(sim.url);
        expect(text()).toContain(v.id);
        expect(text()).not.toContain(TEST_KEY);
      } finally {
        await sim.close();
      }
    },
  );

  it.each([
    [true, 'yes'],
    [false, 'no'],
  ])(
    'prints whether the upstream offers edits, extensions and characters (offered: %s)',
    async (editRoutes, word) => {
      const sim = await startSimulator({ apiKey: TEST_KEY, editRoutes });
      try {
        const { out, text } = collector();
        expect(await runProbe(configFor(sim.url), out)).toBe(0);
        for (const feature of ['edits', 'extensions', 'characters']) {
          expect(text()).toMatch(new RegExp(`^${feature}: +${word}$`, 'm'));
        }
        expect(sim.jobs()).toHaveLength(0);
      } finally {
        await sim.close();
      }
    },
  );

  it('probes the built-in simulator when no upstream is configured, and says so', async () => {
    const { out, text } = collector();
    expect(await runProbe(configFor(undefined), out)).toBe(0);
    expect(text()).toMatch(/built-in simulator/);
  });

  it('fails with exit code 1 and the admin hint when the key is refused, never printing it', async () => {
    const sim = await startSimulator({ apiKey: TEST_KEY });
    try {
      const wrong = 'sk-not-the-right-key-42';
      const { out, text } = collector();
      expect(await runProbe(configFor(sim.url, wrong), out)).toBe(1);
      expect(text()).toContain('VIDEO_API_KEY');
      expect(text()).not.toContain(wrong);
    } finally {
      await sim.close();
    }
  });
});

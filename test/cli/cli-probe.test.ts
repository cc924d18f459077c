/**
 * `reelbot probe` as a real process against a simulator speaking each dialect: it must
 * name the dialect it found, list what it saw, and never print the key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { RESOLVED_DIALECTS } from '../../src/video/dialect-requests.ts';
import { createVideo } from '../simulator/sim-http.ts';
import { type CliHome, makeCliHome } from './cli-harness.ts';

const KEY = 'sk-probe-test-key-0123456789';
let home: CliHome;

beforeAll(async () => {
  home = await makeCliHome();
});

afterAll(async () => {
  await home?.remove();
});

describe.each(RESOLVED_DIALECTS)('cli probe against a %s simulator', (dialect) => {
  let sim: Simulator;
  let videoId: string;

  beforeAll(async () => {
    sim = await startSimulator({ dialect, apiKey: KEY });
    videoId = String((await createVideo(sim, { prompt: `a ${dialect} lighthouse` })).id);
    sim.completeNow(videoId);
  });

  afterAll(async () => {
    await sim?.close();
  });

  it(`names the dialect ${dialect}, lists the recent video and keeps the key out of the output`, async () => {
    const r = await home.run(['probe'], { VIDEO_API_BASE_URL: sim.url, VIDEO_API_KEY: KEY });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`upstream:     ${sim.url}\n`);
    expect(r.stdout).not.toContain('built-in simulator');
    expect(r.stdout).toMatch(new RegExp(`^dialect: +${dialect}$`, 'm'));
    expect(r.stdout).toMatch(/^remix: +yes$/m);
    expect(r.stdout).toContain(videoId);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });
});

describe.each([
  [
    'openrouter',
    'openai',
    { remix: 'no', list: 'no', delete: 'no' },
    /GET \/videos answered 404 \(no list route\)/,
  ],
  ['new-api', 'gateway', { remix: 'yes', list: 'no', delete: 'no' }, /errors are new-api envelopes/],
  ['litellm', 'openai', { remix: 'yes', list: 'yes', delete: 'yes' }, /official shape/],
  [
    'form-remix',
    'body-remix',
    { remix: 'yes', list: 'yes', delete: 'yes' },
    /remix answers at POST \/videos\/\{id\}\/remix/,
  ],
] as const)('cli probe against a %s-like simulator', (dialect, reads, features, why) => {
  it(`says it reads it as ${reads}, which features are there, and why`, async () => {
    const sim = await startSimulator({ dialect, apiKey: KEY });
    try {
      const r = await home.run(['probe'], { VIDEO_API_BASE_URL: sim.url, VIDEO_API_KEY: KEY });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^dialect: +${reads}$`, 'm'));
      for (const [feature, yes] of Object.entries(features)) {
        expect(r.stdout).toMatch(new RegExp(`^${feature}: +${yes}$`, 'm'));
      }
      expect(r.stdout).toMatch(why);
      if (features.remix === 'no') expect(r.stdout).toMatch(/remix route is missing: Remix buttons/);
      expect(sim.jobs()).toHaveLength(0); // probing never starts a job
    } finally {
      await sim.close();
    }
  });
});

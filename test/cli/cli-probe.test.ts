/**
 * `reelbot probe` as a real process against a simulator speaking each dialect: it must
 * name the dialect it found, list what it saw, and never print the key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { SIMULATOR_DIALECTS } from '../../src/simulator/simulator-options.ts';
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

describe.each(SIMULATOR_DIALECTS)('cli probe against a %s simulator', (dialect) => {
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

/**
 * The CLI end to end (real process, engine, store) against the simulator's gateway and reseller
 * variations with `VIDEO_API_DIALECT=auto`: a video is made and saved, and remixed where the
 * upstream offers remix; where it does not, the remix is refused plainly and nothing is charged.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { type CliHome, type CliResult, looksLikeMp4, makeCliHome, readMp4 } from './cli-harness.ts';

const TINY = { queuedMs: 20, msPerVideoSecond: 40, minRunMs: 60, jitter: 0 } as const;

let sim: Simulator | undefined;
let home: CliHome | undefined;
afterEach(async () => {
  await sim?.close();
  await home?.remove();
  sim = undefined;
  home = undefined;
});

async function setUp(dialect: 'form-remix' | 'openrouter' | 'new-api' | 'litellm'): Promise<CliHome> {
  sim = await startSimulator({ dialect, timing: TINY });
  home = await makeCliHome({
    VIDEO_API_BASE_URL: sim.url,
    VIDEO_API_KEY: sim.options.apiKey,
    VIDEO_API_DIALECT: 'auto',
  });
  return home;
}

/** `video … --json --out`: exit 0, an MP4 on disk; returns the upstream id. */
async function madeVideo(h: CliHome, out: string): Promise<string> {
  const r = await h.run(['video', 'a red fox in snow', '--out', out, '--json']);
  expect(r.code, r.stderr).toBe(0);
  expect(looksLikeMp4(await readMp4(join(h.dir, out)))).toBe(true);
  return String((JSON.parse(r.stdout) as { id: unknown }).id);
}

async function remixed(h: CliHome, id: string, out: string): Promise<CliResult> {
  return h.run(['remix', id, 'make it night', '--out', out]);
}

describe.each(['form-remix', 'new-api', 'litellm'] as const)('cli against a %s-like upstream', (dialect) => {
  it('makes and saves a video, then a remix of it', async () => {
    const h = await setUp(dialect);
    const id = await madeVideo(h, 'fox.mp4');
    const r = await remixed(h, id, 'night.mp4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`(remix of ${id})`);
    expect(looksLikeMp4(await readMp4(join(h.dir, 'night.mp4')))).toBe(true);
    expect(sim?.jobs().find((j) => j.remixedFromVideoId === id)?.prompt).toBe('make it night');
  });
});

describe('cli against an OpenRouter-like upstream (no remix)', () => {
  it('makes and saves a video; a remix fails refunded with a plain reason, the next is refused at once', async () => {
    const h = await setUp('openrouter');
    const id = await madeVideo(h, 'fox.mp4');
    expect(id).toMatch(/^job-/);
    const first = await remixed(h, id, 'night.mp4');
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/does not offer remix\. Nothing was charged; make a new video instead\./);
    const second = await remixed(h, id, 'night.mp4');
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/^refused: This video service does not offer remix/m);
    expect(sim?.jobs()).toHaveLength(1);
    // Only the video counts against the day: quota 1 still lets nothing more, proving one charge.
    const more = await h.run(['video', 'another', '--out', 'x.mp4'], { QUOTA_DAILY_VIDEOS: '2' });
    expect(more.code, more.stderr).toBe(0);
  });
});

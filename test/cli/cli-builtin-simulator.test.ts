/**
 * With no upstream configured the CLI serves itself from the built-in simulator, whose
 * timing is lifelike (a 4 s clip takes about 10 s), so this file holds the one slow journey:
 * a video, then — in later processes — `probe` listing it and a remix of it. Those runs only
 * work because the simulator keeps its jobs in `<DATA_DIR>/simulator-state.json` between runs.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHome, looksLikeMp4, makeCliHome, readMp4 } from './cli-harness.ts';

let home: CliHome;

beforeAll(async () => {
  home = await makeCliHome(); // no VIDEO_API_BASE_URL / VIDEO_API_KEY
});

afterAll(async () => {
  await home?.remove();
});

describe('cli with the built-in simulator', () => {
  it('makes a labelled simulated video; later runs list it (probe) and remix it from the saved simulator state', async () => {
    const first = await home.run(['video', 'a red fox in snow', '--out', 'fox.mp4', '--json'], {}, 60_000);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(': accepted [simulated upstream] - create 1280x720 4s sora-2');
    expect(first.stderr).not.toContain('\r');
    expect(looksLikeMp4(await readMp4(join(home.dir, 'fox.mp4')))).toBe(true);
    const video = JSON.parse(first.stdout) as { id: string; status: string };
    expect(video.status).toBe('completed');

    const stateFile = join(home.env.DATA_DIR!, 'simulator-state.json');
    expect(await readFile(stateFile, 'utf8')).toContain(video.id);
    expect(existsSync(`${stateFile}.lock`)).toBe(false); // released on exit

    const probe = await home.run(['probe']);
    expect(probe.code, probe.stderr).toBe(0);
    expect(probe.stdout).toContain('(built-in simulator: VIDEO_API_BASE_URL is not set)');
    expect(probe.stdout).toMatch(
      new RegExp(`^  ${video.id}  completed 100%  1280x720 4s "a red fox in snow"$`, 'm'),
    );

    const second = await home.run(['remix', video.id, 'make it night', '--out', 'night.mp4'], {}, 60_000);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`(remix of ${video.id})`);
    expect(looksLikeMp4(await readMp4(join(home.dir, 'night.mp4')))).toBe(true);
  }, 120_000);
});

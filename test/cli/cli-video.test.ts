/**
 * `reelbot video` / `reelbot remix` end to end: the real CLI process, the real engine
 * (store, quota, queue, poll loop), against a simulator started here with tiny timings.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { type CliHome, type CliResult, looksLikeMp4, makeCliHome, readMp4 } from './cli-harness.ts';

const TINY = { queuedMs: 20, msPerVideoSecond: 40, minRunMs: 60, jitter: 0 } as const;
const FFPROBE = '/usr/bin/ffprobe';

let sim: Simulator;
let home: CliHome;
/** `video "a red fox in snow" --out fox.mp4 --json`, run once for several tests. */
let fox: CliResult;

beforeAll(async () => {
  sim = await startSimulator({ timing: TINY });
  home = await makeCliHome({ VIDEO_API_BASE_URL: sim.url, VIDEO_API_KEY: sim.options.apiKey });
  fox = await home.run(['video', 'a red fox in snow', '--out', 'fox.mp4', '--json']);
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await home?.remove();
});

/** The Video object `--json` printed. */
function printedVideo(result: CliResult): Record<string, unknown> {
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

async function expectNoFile(name: string): Promise<void> {
  expect(existsSync(join(home.dir, name))).toBe(false);
  expect(existsSync(join(home.dir, `${name}.part`))).toBe(false);
}

describe('cli video and remix against a simulator', () => {
  it('video "a red fox in snow" --out fox.mp4 exits 0 and writes a playable-looking MP4', async () => {
    expect(fox.code, fox.stderr).toBe(0);
    const bytes = await readMp4(join(home.dir, 'fox.mp4'));
    expect(bytes.length).toBeGreaterThan(0);
    expect(looksLikeMp4(bytes)).toBe(true);
    expect(fox.stderr).toMatch(/: accepted - create 1280x720 4s sora-2\n/);
    expect(fox.stderr).toMatch(/: saved fox\.mp4 \(\d+ bytes, video video_[0-9a-f]+\)\n/);
    // A configured upstream is not labelled as the simulator.
    expect(fox.stderr).not.toContain('[simulated upstream]');
  });

  it('progress on a non-TTY stderr is plain lines: no carriage returns, every line complete', () => {
    expect(fox.stderr).not.toContain('\r');
    expect(fox.stderr.endsWith('\n')).toBe(true);
    for (const line of fox.stderr.trimEnd().split('\n')) expect(line).toMatch(/^job_\w+: \S/);
  });

  it('--json prints the final Video object of the finished job on stdout', () => {
    const video = printedVideo(fox);
    expect(video).toMatchObject({ status: 'completed', progress: 100, prompt: 'a red fox in snow' });
    expect(video).toMatchObject({ size: '1280x720', seconds: 4 });
    const job = sim.job(String(video.id));
    expect(job?.state).toBe('completed');
    expect(job?.prompt).toBe('a red fox in snow');
  });

  it.runIf(existsSync(FFPROBE))('ffprobe reads the saved MP4 as 1280x720 H.264 of about 4 s', async () => {
    const { stdout } = await promisify(execFile)(FFPROBE, [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,height:format=duration',
      '-of',
      'json',
      join(home.dir, 'fox.mp4'),
    ]);
    const probed = JSON.parse(stdout) as {
      streams: Array<{ codec_name: string; width: number; height: number }>;
      format: { duration: string };
    };
    expect(probed.streams[0]).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
    expect(Number(probed.format.duration)).toBeCloseTo(4, 0);
  });

  it('remix <id> "prompt" of the video from the earlier run writes a remix whose lineage names the source', async () => {
    const sourceId = String(printedVideo(fox).id);
    const r = await home.run(['remix', sourceId, 'make it night', '--out', 'night.mp4']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('night.mp4\n');
    expect(r.stderr).toMatch(/: accepted - remix 1280x720 4s sora-2\n/);
    expect(r.stderr).toContain(`(remix of ${sourceId})`);
    expect(looksLikeMp4(await readMp4(join(home.dir, 'night.mp4')))).toBe(true);
    const remixJob = sim.jobs().find((j) => j.remixedFromVideoId === sourceId);
    expect(remixJob?.prompt).toBe('make it night');
  });

  it('with the daily quota used up (QUOTA_DAILY_VIDEOS=1 after the first run) the next video is refused with exit 2', async () => {
    const before = sim.jobs().length;
    const r = await home.run(['video', 'one more fox', '--out', 'more.mp4'], { QUOTA_DAILY_VIDEOS: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^refused: You have made \d+ of your 1 videos for today\. .*resets in/);
    expect(r.stderr).not.toContain('accepted');
    await expectNoFile('more.mp4');
    expect(sim.jobs().length).toBe(before);
  });

  it('--image file.png makes an image-to-video job: the picture is fitted to the size and sent along', async () => {
    const png = join(home.dir, 'ref.png');
    await sharp({ create: { width: 640, height: 360, channels: 3, background: '#c33' } })
      .png()
      .toFile(png);
    const r = await home.run(['video', 'the fox from this photo', '--image', 'ref.png', '--out', 'img.mp4']);
    expect(r.code, r.stderr).toBe(0);
    expect(looksLikeMp4(await readMp4(join(home.dir, 'img.mp4')))).toBe(true);
    const job = sim.jobs().find((j) => j.prompt === 'the fox from this photo');
    expect(job).toMatchObject({ hasInputReference: true, size: '1280x720' });
  });
});

describe('cli progress while a job runs', () => {
  it('a job that takes a few seconds shows progress as separate plain lines on a non-TTY stderr', async () => {
    // 4 s of video at 800 ms per second: long enough for several polls of a running job.
    const slow = await startSimulator({ timing: { ...TINY, msPerVideoSecond: 800 } });
    const slowHome = await makeCliHome({ VIDEO_API_BASE_URL: slow.url, VIDEO_API_KEY: slow.options.apiKey });
    try {
      const r = await slowHome.run(['video', 'a slow fox', '--out', 'slow.mp4']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('\r');
      const progress = r.stderr.split('\n').filter((l) => /Generating — \d+%/.test(l));
      expect(progress.length).toBeGreaterThan(0);
      expect(progress[0]).toMatch(/^job_\w+: Generating — \d+% · [▰▱]{10} \d+% · elapsed \d+s/);
      expect((await stat(join(slowHome.dir, 'slow.mp4'))).size).toBeGreaterThan(0);
    } finally {
      await slow.close();
      await slowHome.remove();
    }
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardSpec } from '../../../src/simulator/media/card.ts';
import { layoutCard } from '../../../src/simulator/media/layout-card.ts';
import { paintCardBase, paintCardMotion } from '../../../src/simulator/media/paint-card.ts';
import { renderMp4 } from '../../../src/simulator/media/render-mp4.ts';
import { createRgbCanvas } from '../../../src/simulator/media/rgb-canvas.ts';
import { cardSpec } from './card-fixtures.ts';

/**
 * Real-decoder proof, only where ffmpeg is installed (developer machines; CI has
 * none and relies on the structural checker and subset decoder instead).
 */
const hasFfmpeg = existsSync('/usr/bin/ffprobe') && existsSync('/usr/bin/ffmpeg');
const run = promisify(execFile);

describe.runIf(hasFfmpeg)('rendered MP4s in ffmpeg', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelbot-media-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function save(spec: CardSpec, name: string): Promise<string> {
    const path = join(dir, `${name}.mp4`);
    await writeFile(path, renderMp4(spec));
    return path;
  }

  async function probe(path: string): Promise<Record<string, string>> {
    const { stdout } = await run('/usr/bin/ffprobe', [
      ...['-v', 'error', '-select_streams', 'v:0', '-count_frames'],
      ...[
        '-show_entries',
        'stream=codec_name,profile,width,height,nb_read_frames,r_frame_rate:format=duration',
      ],
      ...['-of', 'default=noprint_wrappers=1', path],
    ]);
    return Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
  }

  it.each([
    [1280, 720, 4],
    [720, 1280, 2],
    [1000, 562, 1],
    [1920, 1080, 1],
  ])(
    '%ix%i for %i s probes as Baseline H.264 with every frame and decodes without errors',
    async (w, h, s) => {
      const path = await save(cardSpec({ width: w, height: h, seconds: s }), `${w}x${h}`);
      const info = await probe(path);
      expect(info).toMatchObject({
        codec_name: 'h264',
        width: String(w),
        height: String(h),
        r_frame_rate: '24/1',
      });
      expect(info.profile).toMatch(/Baseline/);
      expect(Number(info.nb_read_frames)).toBe(s * 24);
      expect(Number(info.duration)).toBeCloseTo(s, 2);
      const { stderr } = await run('/usr/bin/ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-']);
      expect(stderr).toBe('');
    },
  );

  it('decodes to the picture that was drawn (mean error under 4 levels per channel)', async () => {
    const spec = cardSpec({ width: 640, height: 360, seconds: 2 });
    const path = await save(spec, 'compare');
    const index = 30;
    const { stdout } = await run(
      '/usr/bin/ffmpeg',
      [
        '-v',
        'error',
        '-i',
        path,
        '-vf',
        `select=eq(n\\,${index})`,
        '-frames:v',
        '1',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-',
      ],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
    );
    const layout = layoutCard(spec);
    const canvas = createRgbCanvas(layout.paddedWidth, layout.paddedHeight);
    paintCardBase(layout, canvas);
    paintCardMotion(layout, canvas, index);
    expect(stdout.length).toBe(640 * 360 * 3);
    let error = 0;
    for (let y = 0; y < 360; y++) {
      for (let i = 0; i < 640 * 3; i++)
        error += Math.abs(stdout[y * 640 * 3 + i]! - canvas.data[y * layout.paddedWidth * 3 + i]!);
    }
    expect(error / stdout.length).toBeLessThan(4);
    for (let c = 0; c < 3; c++) expect(Math.abs(stdout[c]! - spec.background[c]!)).toBeLessThanOrEqual(3);
  });

  it('marks exactly the IDR frames as keyframes when keyframeIntervalSeconds is set', async () => {
    const path = await save(cardSpec({ seconds: 3, keyframeIntervalSeconds: 1 }), 'keyed');
    const { stdout } = await run('/usr/bin/ffprobe', [
      ...[
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'frame=key_frame',
        '-of',
        'csv=p=0',
        path,
      ],
    ]);
    const keys = stdout
      .trim()
      .split('\n')
      .flatMap((flag, i) => (flag.startsWith('1') ? [i] : []));
    expect(keys).toEqual([0, 24, 48]);
  });
});

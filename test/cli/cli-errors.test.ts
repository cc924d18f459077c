/**
 * How the CLI says no: refusals and usage mistakes exit 2, a job that fails upstream exits 1,
 * each with a plain sentence on stderr and no MP4 left behind. Real CLI processes, a
 * simulator with tiny timings.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { type CliHome, makeCliHome } from './cli-harness.ts';

const TINY = { queuedMs: 20, msPerVideoSecond: 40, minRunMs: 60, jitter: 0 } as const;

let sim: Simulator;
let home: CliHome;

beforeAll(async () => {
  sim = await startSimulator({ timing: TINY });
  home = await makeCliHome({ VIDEO_API_BASE_URL: sim.url, VIDEO_API_KEY: sim.options.apiKey });
});

afterAll(async () => {
  await sim?.close();
  await home?.remove();
});

async function expectNoFile(name: string): Promise<void> {
  expect(existsSync(join(home.dir, name))).toBe(false);
  expect(existsSync(join(home.dir, `${name}.part`))).toBe(false);
}

describe('cli refusals and failures', () => {
  it('--seconds 5 (not offered) is refused with exit 2, a clear message, no MP4 and no upstream job', async () => {
    const before = sim.jobs().length;
    const r = await home.run(['video', 'a red fox', '--seconds', '5', '--out', 'five.mp4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('refused: A length of 5 seconds is not offered. Choose one of 4, 8, 12 seconds.\n');
    expect(r.stdout).toBe('');
    await expectNoFile('five.mp4');
    expect(sim.jobs().length).toBe(before);
  });

  it('a prompt the service blocks while generating ([policy]) exits 1 with the plain reason and no MP4', async () => {
    const r = await home.run(['video', 'a dancer [policy]', '--out', 'policy.mp4']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /: failed - The video service refused this prompt under its content rules .*Rephrase it and try again\.\n$/,
    );
    expect(r.stderr).not.toMatch(/content_policy_violation|simulated\)/); // no raw upstream text
    expect(r.stdout).toBe('');
    await expectNoFile('policy.mp4');
  });

  it('remix of a video the service does not know is refused with exit 2 before any job is made', async () => {
    const before = sim.jobs().length;
    const r = await home.run(['remix', 'video_0123456789abcdef01234567', 'make it night', '--out', 'r.mp4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^refused: The video service does not know that video\./);
    await expectNoFile('r.mp4');
    expect(sim.jobs().length).toBe(before);
  });

  it('--image naming a missing file fails before anything is sent, naming the file', async () => {
    const before = sim.jobs().length;
    const r = await home.run(['video', 'a fox', '--image', 'missing.png', '--out', 'x.mp4']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('cannot read the image missing.png');
    expect(sim.jobs().length).toBe(before);
  });
});

describe('cli usage errors', () => {
  it.each([
    { args: ['video', 'a red fox'], says: '--out file.mp4 is required' },
    { args: ['remix', 'video_abc', '--out', 'x.mp4'], says: 'remix takes a video id and a quoted prompt' },
    { args: ['video', 'a fox', '--colour', 'red', '--out', 'x.mp4'], says: "Unknown option '--colour'" },
  ])('$args.0 with bad arguments ($says) exits 2 with the problem and the usage', async ({ args, says }) => {
    const r = await home.run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(says);
    expect(r.stderr).toContain('usage:\n  npm run cli -- probe');
    expect(r.stdout).toBe('');
  });

  it('no command at all prints the usage and exits 2', async () => {
    const r = await home.run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^usage:\n/);
  });
});

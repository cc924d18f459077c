import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.ts';
import { FAST_SIM } from './app-harness.ts';
import { type BotProcess, exitWithin, REPO_ROOT, startBotProcess } from './bot-process.ts';

const run = promisify(execFile);

/** Run a node script with exactly `env`; resolves with its exit code and output (never rejects on exit codes). */
async function node(args: string[], env: Record<string, string>, cwd: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The HEALTHCHECK the image runs, taken from the Dockerfile itself. */
function dockerHealthScript(): string {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const line = dockerfile.split('\n').find((l) => l.startsWith('HEALTHCHECK'));
  const cmd = JSON.parse(line?.slice(line.indexOf('[')) ?? '[]') as string[];
  expect(cmd.slice(0, 2)).toEqual(['node', '-e']);
  return cmd[2] ?? '';
}

/**
 * What `npm start` and the Docker image run: the sources built by `scripts/build.mjs` (plain
 * JavaScript; type checking is `npm run typecheck`'s job), started with plain `node`. The output
 * goes under node_modules so the built files resolve the installed packages as in the image.
 */
describe('the compiled build (what the Docker image runs)', () => {
  const out = join(REPO_ROOT, 'node_modules', '.cache', `reelbot-build-${process.pid}`);
  let dir: string;
  let sim: Simulator;
  let fake: FakeSlack;
  let bot: BotProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-build-'));
    const built = await node([join(REPO_ROOT, 'scripts', 'build.mjs'), `--outdir=${out}`], {}, REPO_ROOT);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).toMatch(/^reelbot: built .* in \d+ ms\n$/);
    sim = await startSimulator({ timing: FAST_SIM });
    fake = await startFakeSlack();
  }, 120_000);

  afterAll(async () => {
    bot?.kill();
    await bot?.exited;
    await fake?.close();
    await sim?.close();
    rmSync(out, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('node dist/main.js with no chat platform says what to set and exits 2', async () => {
    const r = await node([join(out, 'main.js')], {}, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('reelbot has no chat platform to join');
    expect(r.stderr).toContain('SLACK_BOT_TOKEN');
  });

  it('the reelbot bin runs the CLI (usage and exit 2 without a command)', async () => {
    const r = await node([join(REPO_ROOT, 'bin', 'reelbot.js')], {}, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage:');
  });

  it('the compiled CLI makes a playable MP4 through the whole engine', async () => {
    const file = join(dir, 'fox.mp4');
    const env = {
      VIDEO_API_BASE_URL: sim.url,
      VIDEO_API_KEY: sim.options.apiKey,
      STORE_URL: `sqlite://${join(dir, 'cli.sqlite')}`,
      DATA_DIR: join(dir, 'cli-data'),
    };
    const r = await node(
      [join(out, 'platforms', 'cli', 'main.js'), 'video', 'a red fox in snow', '--out', file],
      env,
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file).subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('the compiled bot answers the Dockerfile HEALTHCHECK while running and stops cleanly on SIGTERM', async () => {
    bot = startBotProcess(
      {
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_APP_TOKEN: fake.appToken,
        SLACK_API_URL: fake.apiUrl,
        VIDEO_API_BASE_URL: sim.url,
        VIDEO_API_KEY: sim.options.apiKey,
        STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
        DATA_DIR: join(dir, 'bot-data'),
        METRICS_PORT: '0',
        METRICS_HOST: '127.0.0.1',
      },
      dir,
      [join(out, 'main.js')],
    );
    const ops = await bot.waitForLog((l) => l.msg === 'ops server listening', 'ops server');
    await bot.waitForLog((l) => l.msg === 'reelbot is running', 'start');
    const port = new URL(String(ops.url)).port;
    const health = dockerHealthScript();
    expect((await node(['-e', health], { METRICS_PORT: port }, dir)).code).toBe(0);
    bot.child.kill('SIGTERM');
    expect(await exitWithin(bot, 10_000)).toBe(0);
    // Nothing listens any more: the same check now reports unhealthy.
    expect((await node(['-e', health], { METRICS_PORT: port }, dir)).code).toBe(1);
    expect(existsSync(join(dir, 'bot.sqlite'))).toBe(true);
  });
});

/**
 * Scenario 12: start to ready and idle memory. The bot is started as operators start it, each
 * time on a fresh store, against the fake Discord and/or the fake Slack and the simulator (all in
 * the bench process): `npm start` (which builds `dist/` first only when a source changed), the
 * Docker image's command (read from the Dockerfile's `CMD`), and, for comparison, the sources
 * through tsx as `npm start` ran them before. Ready = process spawned → the fake saw the gateway
 * IDENTIFY / the Socket Mode connection (both, with both platforms). Idle RSS = the bot process's
 * resident set 2 s after ready. What each library costs is measured apart: a bare `node`
 * importing only that package, minus a bare `node`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/simulator.ts';
import { FakeDiscord } from '../../test/fakes/discord/fake-discord.ts';
import { startFakeSlack } from '../../test/fakes/slack/fake-slack.ts';
import { type Command, dockerCommand, ROOT } from '../bot/production-command.ts';
import { newBenchDir } from '../lib/engine-rig.ts';
import { median } from '../lib/percentiles.ts';
import { procMemory } from '../lib/proc-memory.ts';
import { delay, waitUntil } from '../lib/wait-until.ts';
import type { BenchContext, BenchRow, ScenarioResult } from '../report/bench-row.ts';

const SCENARIO = '12 start & idle';
const MIB = 1024 * 1024;
const TARGET_READY_MS = 1500;
const TARGET_IDLE_MIB = 110;
const SETTLE_MS = 2000;

type Platforms = 'discord' | 'slack' | 'both';
const NPM_START: Command = { name: 'npm start', file: 'npm', args: ['start', '--silent'] };
const TSX: Command = {
  name: 'tsx src/main.ts (before)',
  file: process.execPath,
  args: ['--import', 'tsx', 'src/main.ts'],
};

/** Children of `pid` (Linux), recursively. */
function descendants(pid: number): number[] {
  try {
    const direct = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    return direct.map(Number).flatMap((c) => [c, ...descendants(c)]);
  } catch {
    return [];
  }
}

/** The process running the bot: the child itself, or (under npm) the node running dist/main.js. */
function botPid(child: ChildProcess): number {
  const pid = child.pid!;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (/main\.(js|ts)/.test(cmd) && cmd.split('\0')[0]?.endsWith('node')) return p;
    } catch {
      // gone
    }
  }
  return pid;
}

interface Start {
  readyMs: number;
  idleRss: number;
  /** npm's own process, when started through npm. */
  wrapperRss: number;
}

interface Fakes {
  discord: FakeDiscord;
  slack: Awaited<ReturnType<typeof startFakeSlack>>;
  sim: Awaited<ReturnType<typeof startSimulator>>;
}

async function startOnce(fakes: Fakes, command: Command, platforms: Platforms): Promise<Start> {
  const dir = newBenchDir('start');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    VIDEO_API_BASE_URL: fakes.sim.url,
    VIDEO_API_KEY: fakes.sim.options.apiKey,
    VIDEO_API_DIALECT: 'openai',
    STORE_URL: `sqlite://${join(dir, 'reelbot.sqlite')}`,
    DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'warn',
  };
  if (platforms !== 'slack') {
    Object.assign(env, {
      DISCORD_TOKEN: fakes.discord.botToken,
      DISCORD_GUILD_ID: fakes.discord.guildId,
      DISCORD_API_URL: fakes.discord.apiUrl,
    });
  }
  if (platforms !== 'discord') {
    Object.assign(env, {
      SLACK_BOT_TOKEN: fakes.slack.botToken,
      SLACK_APP_TOKEN: fakes.slack.appToken,
      SLACK_API_URL: fakes.slack.apiUrl,
    });
  }
  const sockets = fakes.slack.socketConnectionsOpened;
  const identifies = fakes.discord.identifies;
  const started = performance.now();
  const child = spawn(command.file, command.args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`bench: ${command.name} exited:\n${stderr}`);
        const discord = platforms === 'slack' || fakes.discord.identifies > identifies;
        const slack = platforms === 'discord' || fakes.slack.socketConnectionsOpened > sockets;
        return discord && slack;
      },
      60_000,
      `${command.name} (${platforms}) to connect`,
      2,
    );
    const readyMs = performance.now() - started;
    await delay(SETTLE_MS);
    const bot = botPid(child);
    return {
      readyMs,
      idleRss: procMemory(bot).rss,
      wrapperRss: bot === child.pid ? 0 : procMemory(child.pid!).rss,
    };
  } finally {
    // npm passes SIGTERM on to the script; the bot stops gracefully.
    child.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const p of [...descendants(child.pid!), child.pid!]) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, 15_000);
    await exited;
    clearTimeout(force);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** RSS of a bare node that imported `pkg` (none: bare node), median of 3. */
async function libraryRss(pkg: string | undefined): Promise<number> {
  const code = `${pkg ? `await import(${JSON.stringify(pkg)});` : ''}await new Promise((r) => setTimeout(r, 500));
const m = /VmRSS:\\s+(\\d+)/.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(String(Number(m[1]) * 1024));`;
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const out = await new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT });
      let text = '';
      c.stdout.on('data', (d: Buffer) => {
        text += d.toString();
      });
      c.once('exit', (status) =>
        status === 0 ? resolve(text) : reject(new Error(`bench: import ${pkg} failed`)),
      );
    });
    runs.push(Number(out));
  }
  return median(runs);
}

export async function startupAndIdle(ctx: BenchContext): Promise<ScenarioResult> {
  const runs = ctx.quick ? 1 : 3;
  const fakes: Fakes = {
    discord: await FakeDiscord.start(),
    slack: await startFakeSlack(),
    sim: await startSimulator(),
  };
  const rows: BenchRow[] = [];
  const detail: Record<string, unknown> = {};
  try {
    const docker = dockerCommand();
    // The first `npm start` of a checkout builds dist/; counted apart, the later ones find it current.
    rmSync(join(ROOT, 'dist', '.build-stamp'), { force: true });
    const hasEnvFile = existsSync(join(ROOT, '.env'));
    const commands = hasEnvFile ? [docker, TSX] : [NPM_START, docker, TSX];
    if (hasEnvFile) ctx.log('  a .env in the checkout would configure the bot: `npm start` is left out');
    let firstBuild: Start | undefined;
    if (!hasEnvFile) firstBuild = await startOnce(fakes, NPM_START, 'discord');
    const figures = new Map<string, { ready: number; rss: number; wrapper: number }>();
    for (const platforms of ['discord', 'slack', 'both'] as const) {
      for (const command of commands) {
        const starts: Start[] = [];
        for (let i = 0; i < runs; i++) starts.push(await startOnce(fakes, command, platforms));
        const f = {
          ready: median(starts.map((s) => s.readyMs)),
          rss: median(starts.map((s) => s.idleRss)),
          wrapper: median(starts.map((s) => s.wrapperRss)),
        };
        figures.set(`${command.name}|${platforms}`, f);
        ctx.log(
          `  ${command.name}, ${platforms}: ready ${Math.round(f.ready)} ms, idle ${(f.rss / MIB).toFixed(0)} MiB`,
        );
      }
    }
    const before = (p: Platforms) => figures.get(`${TSX.name}|${p}`)!;
    for (const command of commands.filter((c) => c !== TSX)) {
      for (const platforms of ['discord', 'slack', 'both'] as const) {
        const f = figures.get(`${command.name}|${platforms}`)!;
        const note =
          command === NPM_START
            ? `median of ${runs}; dist/ current (first start of a checkout, building it: ${Math.round(firstBuild?.readyMs ?? Number.NaN)} ms)`
            : `median of ${runs}`;
        rows.push({
          scenario: SCENARIO,
          metric: `start → ready, ${platforms}: ${command.name}`,
          value: f.ready,
          unit: 'ms',
          target: `<= ${TARGET_READY_MS} ms`,
          pass: f.ready <= TARGET_READY_MS,
          ratio: { against: 'tsx', value: f.ready / before(platforms).ready },
          note,
        });
      }
    }
    const image = (p: Platforms) => figures.get(`${docker.name}|${p}`)!;
    for (const platforms of ['discord', 'slack', 'both'] as const) {
      const f = image(platforms);
      const npm = figures.get(`${NPM_START.name}|${platforms}`);
      rows.push({
        scenario: SCENARIO,
        metric: `idle RSS, ${platforms}`,
        value: f.rss / MIB,
        unit: 'MiB',
        ...(platforms === 'both'
          ? {}
          : { target: `<= ${TARGET_IDLE_MIB} MiB`, pass: f.rss <= TARGET_IDLE_MIB * MIB }),
        ratio: { against: 'tsx', value: f.rss / before(platforms).rss },
        note: `the bot process (image CMD), ${SETTLE_MS / 1000} s after ready; tsx: ${(before(platforms).rss / MIB).toFixed(0)} MiB${npm ? `; under npm start ${(npm.rss / MIB).toFixed(0)} MiB + npm itself ${(npm.wrapper / MIB).toFixed(0)} MiB` : ''}`,
      });
    }
    const bare = await libraryRss(undefined);
    const libs: Array<[string, string]> = [
      ['discord.js', 'Discord'],
      ['@slack/bolt', 'Slack'],
      ['ioredis', 'REDIS_URL only'],
      ['bullmq', 'REDIS_URL only'],
      ['sharp', 'image prompts and the built-in simulator only'],
      ['zod', 'always (configuration)'],
      ['undici', 'always (video client)'],
      ['sqlite3', 'always without REDIS_URL'],
    ];
    const costs: string[] = [];
    for (const [pkg, when] of libs) {
      const mib = ((await libraryRss(pkg)) - bare) / MIB;
      detail[`library:${pkg}`] = mib;
      costs.push(`${pkg} ${mib.toFixed(0)} MiB (${when})`);
    }
    rows.push({
      scenario: SCENARIO,
      metric: 'what each library costs when loaded',
      value: bare / MIB,
      unit: 'MiB',
      note: `bare node (the value); on top of it: ${costs.join(', ')}`,
    });
    detail.figures = Object.fromEntries(figures);
    detail.firstBuild = firstBuild;
    return { rows, detail };
  } finally {
    await fakes.sim.close();
    await fakes.discord.close();
    await fakes.slack.close();
  }
}

/**
 * The SIGKILL suite's runner: each round spawns a child hosting several bots (see
 * `fixtures/kill-child.ts`), kills it with SIGKILL at a seeded point, then starts a fresh
 * engine on every bot's store and checks the promises: every accepted job ends delivered or
 * failed with a message to its requester, quotas are exact, nothing was submitted twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Engine } from '../../src/engine/engine.ts';
import type { Job } from '../../src/engine/job.ts';
import { openStore } from '../../src/engine/store.ts';
import { SeededRandom } from '../../src/simulator/seeded-random.ts';
import type { Simulator } from '../../src/simulator/simulator.ts';
import { actor, clientFor, RecordingSurface, waitFor } from '../engine/engine-harness.ts';
import { KILL_CHOICES, KILL_LIMITS, KILL_TIMING, type KillPlan } from './fixtures/kill-plan.ts';

export interface ChildLine {
  ev: string;
  bot?: number;
  job?: string;
  state?: string;
  prompt?: string;
}

/** How one bot stood when the kill landed, and what the restart made of it. */
export interface KillPoint {
  round: number;
  bot: number;
  /** Latest state of each job the child had written before the kill (`none`: not accepted yet). */
  statesAtKill: string[];
  jobs: number;
  delivered: number;
  failed: number;
  /** Deliveries the requester saw twice (the kill fell between upload and writing `delivered`). */
  duplicateDeliveries: number;
}

export interface RoundOptions {
  sim: Simulator;
  dir: string;
  seed: number;
  round: number;
  bots: number;
  /** Kill window after the child is ready, ms. */
  killWindow: [number, number];
}

const USERS = ['u0', 'u1'];

function planRound(rng: SeededRandom, o: RoundOptions): KillPlan {
  const bots: KillPlan['bots'] = [];
  for (let b = 0; b < o.bots; b++) {
    const dir = join(o.dir, `r${o.round}-b${b}`);
    mkdirSync(dir, { recursive: true });
    const offset = rng.int(400);
    const count = 1 + rng.int(3);
    const jobs = [];
    for (let j = 0; j < count; j++) {
      const roll = rng.next();
      const tag = roll < 0.12 ? ' [fail]' : roll < 0.2 ? ' [policy]' : '';
      jobs.push({
        user: USERS[rng.int(USERS.length)] ?? 'u0',
        prompt: `kill s${o.seed} r${o.round} b${b} j${j}${tag}`,
        atMs: offset + j * rng.int(150),
      });
    }
    bots.push({ dir, jobs });
  }
  return { bots };
}

function spawnChild(
  sim: Simulator,
  plan: KillPlan,
): { child: ChildProcess; lines: ChildLine[]; exited: Promise<unknown> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'kill-child.ts')],
    {
      env: { ...process.env, SIM_URL: sim.url, SIM_KEY: sim.options.apiKey, PLAN: JSON.stringify(plan) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise((r) => child.once('exit', r));
  const lines: ChildLine[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as ChildLine);
    } catch {
      // a partial line cut by the kill, or a runtime warning
    }
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && stderr) console.error(`kill child exited ${code}: ${stderr}`);
  });
  return { child, lines, exited };
}

/** One round: run, kill at a seeded moment, recover every bot, check it. Throws naming the seed. */
export async function runKillRound(o: RoundOptions): Promise<KillPoint[]> {
  const rng = new SeededRandom(o.seed * 1000 + o.round);
  const plan = planRound(rng, o);
  const { child, lines, exited } = spawnChild(o.sim, plan);
  try {
    await waitFor(() => lines.some((l) => l.ev === 'ready'), 'the kill child to start', 30_000);
    const [lo, hi] = o.killWindow;
    await new Promise((r) => setTimeout(r, lo + rng.int(hi - lo)));
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
  trace(`round ${o.round}: killed`);
  return Promise.all(plan.bots.map((bot, b) => recoverBot(o, bot, b, lines)));
}

async function recoverBot(
  o: RoundOptions,
  bot: KillPlan['bots'][number],
  b: number,
  lines: ChildLine[],
): Promise<KillPoint> {
  const mine = lines.filter((l) => l.bot === b);
  const lastState = new Map<string, string>();
  for (const l of mine) if (l.ev === 'state' && l.job) lastState.set(l.job, l.state ?? '?');
  const where = `seed ${o.seed} round ${o.round} bot ${b}`;
  const store = await openStore(`sqlite://${join(bot.dir, 'store.sqlite')}`);
  const surface = new RecordingSurface();
  const engine = new Engine({
    store,
    client: clientFor(o.sim),
    dataDir: join(bot.dir, 'data'),
    choices: KILL_CHOICES,
    limits: KILL_LIMITS,
    maxConcurrency: 2,
    timing: KILL_TIMING,
  });
  engine.attachSurface('cli', surface);
  try {
    await engine.start();
    const ended = (j: Job) => j.state === 'delivered' || j.state === 'failed';
    let jobs: Job[] = [];
    await waitFor(
      async () => {
        jobs = (await store.scan<Job>('jobs:')).map(([, j]) => j);
        return jobs.every(ended);
      },
      `every job of ${where} to end`,
      20_000,
    ).catch((err: unknown) => {
      throw new Error(`${where}: ${String(err)}: ${JSON.stringify(jobs.map((j) => [j.id, j.state]))}`);
    });
    trace(`round ${o.round} bot ${b}: ended`);
    await engine.idle();
    trace(`round ${o.round} bot ${b}: idle`);
    return await checkBot(o, where, { jobs, surface, engine, mine, lastState, round: o.round, bot: b });
  } finally {
    trace(`round ${o.round} bot ${b}: stopping`);
    await engine.stop();
    trace(`round ${o.round} bot ${b}: stopped`);
    await store.close();
  }
}

async function checkBot(
  o: RoundOptions,
  where: string,
  x: {
    jobs: Job[];
    surface: RecordingSurface;
    engine: Engine;
    mine: ChildLine[];
    lastState: Map<string, string>;
    round: number;
    bot: number;
  },
): Promise<KillPoint> {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  const byPrompt = new Map(x.jobs.map((j) => [j.prompt, j]));
  // A submit that resolved was durable: its job must be in the store.
  for (const l of x.mine) {
    if (l.ev === 'submitted' && !byPrompt.has(l.prompt ?? '')) fail(`accepted job "${l.prompt}" was lost`);
  }
  let duplicateDeliveries = 0;
  for (const j of x.jobs) {
    const seen = (kind: 'completed' | 'failed') =>
      x.mine.filter((l) => l.ev === kind && l.job === j.id).length + x.surface.of(kind, j.id).length;
    if (j.state === 'delivered') {
      const n = seen('completed');
      if (n === 0) fail(`job ${j.id} is delivered but its requester never got the video`);
      duplicateDeliveries += n - 1;
    } else {
      if (seen('failed') === 0) fail(`job ${j.id} failed without a message to its requester`);
      if (!j.error?.code) fail(`job ${j.id} failed without a reason`);
    }
    const upstream = o.sim.jobs().filter((s) => s.prompt === j.prompt);
    if (upstream.length > 1) fail(`"${j.prompt}" was submitted ${upstream.length} times upstream`);
    if (j.state === 'delivered' && upstream[0]?.id !== j.videoId)
      fail(`job ${j.id} delivered a stranger's video`);
  }
  const charged = x.jobs.filter((j) => j.state === 'delivered' || j.error?.userFault === true).length;
  let used = 0;
  for (const u of USERS) used += (await x.engine.usage(actor(u), 'ws1')).videos.used;
  if (used !== charged) fail(`quota says ${used} videos used, but ${charged} jobs were chargeable`);
  return {
    round: x.round,
    bot: x.bot,
    statesAtKill: x.jobs.map((j) => x.lastState.get(j.id) ?? 'none'),
    jobs: x.jobs.length,
    delivered: x.jobs.filter((j) => j.state === 'delivered').length,
    failed: x.jobs.filter((j) => j.state === 'failed').length,
    duplicateDeliveries,
  };
}

/** `DEBUG_KILL=1` traces each round's steps. */
function trace(what: string): void {
  if (process.env.DEBUG_KILL) console.log(`${new Date().toISOString()} ${what}`);
}

/** Seed from `FAULT_SEED` (to replay a failure) or a fixed default. */
export function suiteSeed(fallback: number): number {
  const s = Number(process.env.FAULT_SEED);
  return Number.isInteger(s) && s > 0 ? s : fallback;
}

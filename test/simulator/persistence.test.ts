import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimJob } from '../../src/simulator/sim-job.ts';
import { parseSimState, serializeSimState } from '../../src/simulator/sim-state-file.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/simulator.ts';
import { call, createVideo, download, isMp4, pollUntilDone, startFast, waitFor } from './sim-http.ts';

let dir: string;
let stateFile: string;
const running: Simulator[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelbot-sim-state-'));
  stateFile = join(dir, 'nested', 'simulator-state.json');
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startFast({ stateFile, ...options });
  running.push(sim);
  return sim;
}

async function stop(sim: Simulator): Promise<void> {
  await sim.close();
  running.splice(running.indexOf(sim), 1);
}

/** Pretend the process was down for `ms`: every saved clock moves that far into the past. */
async function travel(ms: number): Promise<void> {
  const state = parseSimState(await readFile(stateFile, 'utf8'));
  const back = (t: number | undefined) => (t === undefined ? undefined : t - ms);
  state.jobs = state.jobs.map(
    (j): SimJob => ({
      ...j,
      createdAtMs: j.createdAtMs - ms,
      admittedAtMs: back(j.admittedAtMs),
      startedAtMs: back(j.startedAtMs),
      finishedAtMs: back(j.finishedAtMs),
      expiresAtMs: back(j.expiresAtMs),
    }),
  );
  await writeFile(stateFile, serializeSimState(state));
}

/** A run long enough that a close right after create lands mid-job (about 1.2 s for 4 s). */
const SLOW = { queuedMs: 20, msPerVideoSecond: 300, minRunMs: 60, jitter: 0 } as const;
const HOUR = 3_600_000;

describe('simulator state file', () => {
  it('restarted mid-job, the job is still known and carries on from its saved clock, not from zero', async () => {
    const timing = { ...SLOW, msPerVideoSecond: 1000 }; // a 4 s video runs 4 s
    const first = await start({ timing });
    const id = String((await createVideo(first)).id);
    await stop(first);
    await travel(2000); // stopped half-way through the run
    const saved = parseSimState(await readFile(stateFile, 'utf8')).jobs[0]!;
    const startedAt = saved.startedAtMs ?? saved.createdAtMs + timing.queuedMs;

    const second = await start({ timing });
    expect(second.url).not.toBe(first.url); // a new port: clients are rebuilt from the new URL
    const now = await call(second, `/videos/${id}`);
    expect(now.status).toBe(200);
    expect(now.body.status).toBe('in_progress');
    expect(Number(now.body.progress)).toBeGreaterThanOrEqual(40);
    expect(second.job(id)!.startedAtMs).toBe(startedAt);
    const seen = await pollUntilDone(second, id);
    expect(seen.at(-1)).toMatchObject({ id, status: 'completed', progress: 100 });
    expect(second.job(id)!.createdAtMs).toBe(saved.createdAtMs);
  });

  it('a job that should have finished while the simulator was down is completed at once with its proper time', async () => {
    const first = await start({ timing: SLOW });
    const id = String((await createVideo(first)).id);
    await stop(first);
    await travel(HOUR);

    const second = await start({ timing: SLOW });
    const job = second.job(id)!;
    expect(job.state).toBe('completed');
    expect(job.finishedAtMs).toBe(job.createdAtMs + SLOW.queuedMs + job.runMs);
    const r = await call(second, `/videos/${id}`);
    expect(r.body).toMatchObject({ status: 'completed', progress: 100 });
    expect(r.body.completed_at).toBe(Math.floor(job.finishedAtMs! / 1000));
    expect(r.body.expires_at).toBe(Math.floor((job.finishedAtMs! + 24 * HOUR) / 1000));
  });

  it('a completed video past its expiry while the simulator was down reads expired and cannot be downloaded', async () => {
    const timing = { ...SLOW, expiresAfterMs: 10 * 60_000 };
    const first = await start({ timing, dialect: 'gateway' });
    const id = String((await createVideo(first)).id);
    first.completeNow(id);
    await stop(first);
    await travel(HOUR);

    const second = await start({ timing, dialect: 'gateway' });
    expect((await call(second, `/videos/${id}`)).body.status).toBe('expired');
    expect((await call(second, `/videos/${id}/content`)).status).toBe(410);
  });

  it('finished jobs are forgotten a week after they expired or failed; younger ones and running ones stay', async () => {
    const timing = { ...SLOW, expiresAfterMs: HOUR };
    const first = await start({ timing, concurrencyPerKey: 3 });
    const old = String((await createVideo(first, { prompt: 'old' })).id);
    const failed = String((await createVideo(first, { prompt: 'old failure' })).id);
    const never = String((await createVideo(first, { prompt: 'forever [never]' })).id);
    first.completeNow(old);
    first.failNow(failed);
    await stop(first);
    await travel(8 * 24 * HOUR);
    const second = await start({ timing, concurrencyPerKey: 3 });
    const recent = String((await createVideo(second, { prompt: 'recent' })).id);
    second.expireNow(recent);
    expect(second.jobs().map((j) => j.id)).toEqual([never, recent]);
    expect((await call(second, `/videos/${old}`)).status).toBe(404);
  });

  it('[never] jobs stay in progress across a restart, and failing prompts fail at their time', async () => {
    const first = await start({ timing: SLOW, concurrencyPerKey: 3 });
    const never = String((await createVideo(first, { prompt: 'a clock [never]' })).id);
    const policy = String((await createVideo(first, { prompt: 'a celebrity dancing' })).id);
    await stop(first);
    await travel(HOUR);

    const second = await start({ timing: SLOW, concurrencyPerKey: 3 });
    expect(second.job(never)).toMatchObject({ state: 'in_progress' });
    expect((await call(second, `/videos/${never}`)).body).toMatchObject({
      status: 'in_progress',
      progress: 57,
    });
    const failed = second.job(policy)!;
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'content_policy_violation' } });
    expect(failed.finishedAtMs).toBe(failed.startedAtMs! + Math.round(failed.runMs * 0.2));
  });

  it('jobs waiting for a slot when the simulator stopped run one after another in the time it was down', async () => {
    const first = await start({ timing: SLOW, concurrencyPerKey: 1 });
    const a = String((await createVideo(first, { prompt: 'first' })).id);
    const b = String((await createVideo(first, { prompt: 'second' })).id);
    expect(first.job(b)!.state).toBe('waiting');
    await stop(first);
    await travel(HOUR);

    const second = await start({ timing: SLOW, concurrencyPerKey: 1 });
    const ja = second.job(a)!;
    const jb = second.job(b)!;
    expect([ja.state, jb.state]).toEqual(['completed', 'completed']);
    // b got the slot the moment a finished, then queued and ran as usual.
    expect(jb.admittedAtMs).toBe(ja.finishedAtMs);
    expect(jb.finishedAtMs).toBe(ja.finishedAtMs! + SLOW.queuedMs + jb.runMs);
  });

  it('a video made before the restart can be remixed and downloaded after it', async () => {
    const first = await start();
    const id = String((await createVideo(first, { prompt: 'a red fox in snow' })).id);
    await pollUntilDone(first, id);
    await stop(first);

    const second = await start();
    const content = await download(second, `/videos/${id}/content`);
    expect(content.status).toBe(200);
    expect(isMp4(content.bytes)).toBe(true);
    const remix = await call(second, `/videos/${id}/remix`, { json: { prompt: 'make it night' } });
    expect(remix.status).toBe(200);
    expect(remix.body).toMatchObject({ remixed_from_video_id: id, size: '1280x720' });
    const remixId = String(remix.body.id);
    await pollUntilDone(second, remixId);
    expect(second.job(remixId)!.remixPrompts).toEqual(['make it night']);
    expect(isMp4((await download(second, `/videos/${remixId}/content`)).bytes)).toBe(true);
  });

  it('asset links are rebuilt on the new origin after a restart, and old signatures still verify', async () => {
    const first = await start({ dialect: 'form', contentEndpoint: false });
    const id = String((await createVideo(first)).id);
    first.completeNow(id);
    const oldUrl = assetUrlOf((await call(first, `/videos/${id}`)).body);
    await stop(first);

    const second = await start({ dialect: 'form', contentEndpoint: false });
    const newUrl = assetUrlOf((await call(second, `/videos/${id}`)).body);
    expect(newUrl.startsWith(`${second.origin}/files/`)).toBe(true);
    expect(isMp4((await download(second, newUrl, null)).bytes)).toBe(true);
    // The signing secret was kept: the old link's path works on the new origin.
    const moved = new URL(oldUrl);
    const relinked = `${second.origin}${moved.pathname}${moved.search}`;
    const old = await download(second, relinked, null);
    expect(old.status).toBe(200);
    expect(isMp4(old.bytes)).toBe(true);
  });

  it('a seeded simulator continues its id sequence after a restart instead of repeating ids', async () => {
    const first = await start({ seed: 99 });
    const a = String((await createVideo(first)).id);
    const b = String((await createVideo(first)).id);
    await stop(first);
    const second = await start({ seed: 99 });
    const c = String((await createVideo(second)).id);
    expect(new Set([a, b, c]).size).toBe(3);

    // The same ids as one uninterrupted run with that seed.
    const straight = await startFast({ seed: 99 });
    running.push(straight);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(String((await createVideo(straight)).id));
    expect(ids).toEqual([a, b, c]);
  });

  it('an unseeded restart makes fresh ids and keeps the old jobs', async () => {
    const unseeded = async () => {
      const sim = await startSimulator({ stateFile, timing: SLOW });
      running.push(sim);
      return sim;
    };
    const first = await unseeded();
    const old = String((await createVideo(first)).id);
    await stop(first);
    const second = await unseeded();
    const fresh = String((await createVideo(second)).id);
    expect(fresh).not.toBe(old);
    expect(second.jobs().map((j) => j.id)).toEqual([old, fresh]);
  });

  it('saves shortly after a change without waiting for close, and leaves no temp files', async () => {
    const sim = await start();
    const id = String((await createVideo(sim)).id);
    await waitFor(
      async () => ((await readFile(stateFile, 'utf8').catch(() => '')).includes(id) ? true : undefined),
      'the job in the state file',
    );
    const text = await readFile(stateFile, 'utf8');
    expect(text).not.toContain(sim.options.apiKey);
    expect(text).not.toContain(sim.origin); // links are derived on read, never stored
    await stop(sim);
    expect((await readdir(join(dir, 'nested'))).sort()).toEqual(['simulator-state.json']);
  });

  it('deleted videos stay deleted after a restart', async () => {
    const first = await start();
    const id = String((await createVideo(first)).id);
    expect((await call(first, `/videos/${id}`, { method: 'DELETE' })).status).toBe(200);
    await stop(first);
    const second = await start();
    expect((await call(second, `/videos/${id}`)).status).toBe(404);
  });

  it('an unreadable state file is moved aside and the simulator starts empty', async () => {
    const first = await start();
    await createVideo(first);
    await stop(first);
    await writeFile(stateFile, '{"version":1,"jobs":[{"id":');
    const second = await start();
    expect(second.jobs()).toEqual([]);
    const names = await readdir(join(dir, 'nested'));
    expect(names.some((n) => n.startsWith('simulator-state.json.corrupt-'))).toBe(true);
  });

  it('a second simulator on a file in use reads its jobs but does not overwrite them', async () => {
    const owner = await start();
    const mine = String((await createVideo(owner)).id);
    owner.completeNow(mine);
    await waitFor(
      async () => ((await readFile(stateFile, 'utf8').catch(() => '')).includes(mine) ? true : undefined),
      'the owner to save',
    );
    const reader = await start();
    expect(reader.job(mine)?.state).toBe('completed');
    const theirs = String((await createVideo(reader)).id);
    await stop(reader);
    await stop(owner);
    const saved = parseSimState(await readFile(stateFile, 'utf8'));
    expect(saved.jobs.map((j) => j.id)).toEqual([mine]);
    expect(theirs).not.toBe(mine);

    // The lock went with the owner: the next start owns the file again.
    const next = await start();
    const later = String((await createVideo(next)).id);
    await stop(next);
    expect(parseSimState(await readFile(stateFile, 'utf8')).jobs.map((j) => j.id)).toEqual([mine, later]);
  });

  it('a lock left by a process that no longer exists is taken over', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'nested'), { recursive: true });
    await writeFile(`${stateFile}.lock`, '2147483646\n'); // no such pid
    const sim = await start();
    const id = String((await createVideo(sim)).id);
    await stop(sim);
    expect(parseSimState(await readFile(stateFile, 'utf8')).jobs.map((j) => j.id)).toEqual([id]);
  });

  it('without a state file nothing is written', async () => {
    const sim = await startSimulator({ timing: SLOW });
    running.push(sim);
    await createVideo(sim);
    await stop(sim);
    expect(await readdir(dir)).toEqual([]);
  });
});

function assetUrlOf(body: Record<string, unknown>): string {
  const assets = body.assets as Array<{ url?: string }> | undefined;
  const url = assets?.find((a) => a.url)?.url;
  if (!url) throw new Error(`no asset url in ${JSON.stringify(body)}`);
  return url;
}

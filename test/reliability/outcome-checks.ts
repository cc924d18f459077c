/**
 * The promises every fault test checks once its jobs have ended: each accepted job ended
 * delivered or failed with a message to its requester, quotas are exact (charged = jobs not
 * refunded) and no prompt made more than one upstream job.
 */
import { expect } from 'vitest';
import type { Engine } from '../../src/engine/engine.ts';
import type { Job } from '../../src/engine/job.ts';
import { isMessageKey } from '../../src/presentation/catalogue/catalogue.ts';
import type { Simulator } from '../../src/simulator/simulator.ts';
import { actor, type RecordingSurface, waitFor } from '../engine/engine-harness.ts';

/** Wait for every job to end (delivered, failed, cancelled, expired) and return the records. */
export async function ended(engine: Engine, ids: string[], timeoutMs = 20_000): Promise<Job[]> {
  const terminal = new Set(['delivered', 'failed', 'cancelled', 'expired']);
  let last: Array<Job | undefined> = [];
  try {
    return await waitFor(
      async () => {
        last = await Promise.all(ids.map((id) => engine.getJob(id)));
        return last.every((j) => j && terminal.has(j.state)) ? (last as Job[]) : undefined;
      },
      'every job to end',
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${String(err)}: ${JSON.stringify(last.map((j) => [j?.id, j?.state]))}`);
  }
}

/** Check the three promises for `jobs` (all by users in `users`, workspace `ws1`). */
export async function expectPromisesKept(
  x: { engine: Engine; sim: Simulator; surface: RecordingSurface },
  jobs: Job[],
  users: string[],
): Promise<void> {
  await x.engine.idle();
  for (const j of jobs) {
    if (j.state === 'delivered') {
      const got = x.surface.of('completed', j.id);
      expect(got, `job ${j.id} delivered once`).toHaveLength(1);
      const c = got[0];
      if (c?.kind === 'completed') expect(c.bytes).toBeGreaterThan(1000);
    } else if (j.state === 'cancelled') {
      expect(x.surface.of('cancelled', j.id), `job ${j.id} cancel told`).toHaveLength(1);
    } else {
      expect(x.surface.of('failed', j.id), `job ${j.id} failure told`).toHaveLength(1);
      // Every failure has a code the catalogue words (not the catch-all).
      expect(isMessageKey(`error.${j.error?.code}`)).toBe(true);
    }
    const upstream = x.sim.jobs().filter((s) => s.prompt === j.prompt);
    expect(upstream.length, `upstream jobs for "${j.prompt}"`).toBeLessThanOrEqual(1);
    if (j.state === 'delivered') expect(upstream[0]?.id).toBe(j.videoId);
  }
  const charged = jobs.filter(
    (j) => j.state === 'delivered' || (j.state === 'failed' && j.error?.userFault === true),
  ).length;
  let used = 0;
  for (const u of users) used += (await x.engine.usage(actor(u), 'ws1')).videos.used;
  expect(used, 'videos charged').toBe(charged);
}

/**
 * Restart recovery: every job that is not terminal resumes where it stopped, and nothing
 * is submitted twice. Loads in batches (one index read, one `getMany`, one optional scan),
 * so thousands of stored jobs come back in a few queries.
 */
import { startDelivery } from './delivery.ts';
import type { EngineCore } from './engine-core.ts';
import { type Job, TERMINAL_JOB_STATES } from './job.ts';
import { resolveUnknownSubmission, userKeyOf } from './submission.ts';

export interface RecoveryReport {
  resumed: number;
  waiting: number;
  polling: number;
  unknownSubmissions: number;
  delivering: number;
  /** Index ids whose job was missing or already terminal. */
  staleIndexEntries: number;
  /** Active jobs the index did not list (found by the scan). */
  unindexedJobs: number;
  /** Quota charges for jobs that were never written. */
  orphanCharges: number;
  /** Ended jobs whose requester had not been told yet (crash between the write and the notice). */
  notices: number;
}

export async function recover(core: EngineCore, options: { repairScan: boolean }): Promise<RecoveryReport> {
  const ids = await core.jobs.loadActive();
  const listed = await core.jobs.getMany(ids);
  const byId = new Map<string, Job>();
  const owed = new Map<string, Job>();
  for (const job of listed) {
    if (job && !TERMINAL_JOB_STATES.has(job.state)) byId.set(job.id, job);
    else if (job?.noticePending) owed.set(job.id, job);
  }
  const stale = ids.filter((id) => !byId.has(id) && !owed.has(id));

  let unindexed: Job[] = [];
  let knownIds: Set<string> | undefined;
  if (options.repairScan) {
    const all = await core.jobs.scanAll();
    knownIds = new Set(all.map((j) => j.id));
    unindexed = all.filter((j) => !TERMINAL_JOB_STATES.has(j.state) && !byId.has(j.id));
    for (const j of unindexed) byId.set(j.id, j);
    for (const j of all) if (TERMINAL_JOB_STATES.has(j.state) && j.noticePending) owed.set(j.id, j);
  }
  if (unindexed.length > 0) await core.jobs.addActive(...unindexed.map((j) => j.id));
  if (stale.length > 0) await core.jobs.removeActive(...stale);
  const orphanCharges = await reconcileQuotas(core, knownIds);

  const jobs = [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const report: RecoveryReport = {
    resumed: jobs.length,
    waiting: 0,
    polling: 0,
    unknownSubmissions: 0,
    delivering: 0,
    staleIndexEntries: stale.length,
    unindexedJobs: unindexed.length,
    orphanCharges,
    notices: owed.size,
  };
  for (const job of owed.values()) {
    core.finished.set(job.id, job);
    if (!job.place.messageRef) core.notifier.accepted(job.id);
    core.finalNotice(job);
  }
  const now = core.now();
  const spread = core.deps.timing.poll.firstMinMs;
  for (const job of jobs) {
    core.active.set(job.id, job);
    if (!job.place.messageRef) core.notifier.accepted(job.id);
    if (job.state === 'waiting' && !job.submitInFlight) {
      core.queue.push(job.id, userKeyOf(job));
      report.waiting += 1;
    } else if ((job.state === 'submitted' || job.state === 'in_progress') && job.videoId) {
      core.acquireSlot(job.id);
      core.pollState.set(job.id, { polls: 1, errors: 0 });
      // Spread the first checks so a restart does not burst the upstream.
      core.poll.schedule(job.id, now + Math.floor(core.deps.random() * spread));
      report.polling += 1;
    } else if (job.state === 'completed') {
      startDelivery(core, job);
      report.delivering += 1;
    } else {
      // A POST may have reached the server before the crash: find it, never re-POST.
      core.acquireSlot(job.id);
      void resolveUnknownSubmission(core, job).catch((err: unknown) =>
        core.problem('resolving an unknown submission', err, job.id),
      );
      report.unknownSubmissions += 1;
    }
  }
  return report;
}

/** Drop charges whose job was never written (crash between charging and writing the job). */
async function reconcileQuotas(core: EngineCore, knownIds: Set<string> | undefined): Promise<number> {
  const entries = await core.deps.store.scan<{ jobs: Record<string, number> }>('quotas:');
  // Only recent days matter; older days no longer limit anyone.
  const recentDays = new Set([core.quota.day(core.now()), core.quota.day(core.now() - 86_400_000)]);
  const recent = entries.filter(([key]) => recentDays.has(key.slice(key.lastIndexOf(':') + 1)));
  let exists: (id: string) => boolean;
  if (knownIds) exists = (id) => knownIds.has(id);
  else {
    const ids = [...new Set(recent.flatMap(([, r]) => Object.keys(r?.jobs ?? {})))];
    const found = await core.jobs.getMany(ids);
    const present = new Set(ids.filter((_, i) => found[i] !== undefined));
    exists = (id) => present.has(id);
  }
  return core.quota.reconcile(recent, exists);
}

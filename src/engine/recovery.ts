/**
 * Restart recovery: every job that is not terminal resumes where it stopped, and nothing
 * is submitted twice. Loads in batches (one index read, one `getMany`, one optional scan of
 * job states), so a hundred thousand stored jobs come back in a few queries.
 */
import type { EngineCore } from './engine-core.ts';
import { type Job, TERMINAL_JOB_STATES } from './job.ts';

/** What the scheduler does with each job found unfinished. */
export interface Resumer {
  /** Never sent: queue it. */
  waiting(job: Job): void;
  /** Running upstream: follow it (first checks spread over `spreadMs`). */
  following(job: Job, spreadMs: number): void;
  /** Finished upstream, not yet delivered. */
  completed(job: Job): void;
  /** A POST may have reached the server before the crash: find it, never re-POST. */
  unknown(job: Job): void;
  /**
   * Distributed mode: jobs are not taken into this process's registry (whoever runs one takes
   * it), and an owed notice goes here instead of being sent straight away.
   */
  shared?: { owed(job: Job): void };
}

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

export async function recover(
  core: EngineCore,
  options: { repairScan: boolean },
  resume: Resumer,
): Promise<RecoveryReport> {
  const ids = await core.jobs.loadActive();
  const listed = await core.jobs.getMany(ids);
  const byId = new Map<string, Job>();
  const owed = new Map<string, Job>();
  for (const job of listed) {
    if (job && !TERMINAL_JOB_STATES.has(job.state)) byId.set(job.id, job);
    else if (job?.noticePending) owed.set(job.id, job);
  }
  const stale = ids.filter((id) => !byId.has(id) && !owed.has(id));

  const unindexed: Job[] = [];
  if (options.repairScan) {
    // Whole records are read only for the jobs the index did not account for.
    const unsettled = await core.jobs.scanUnsettled();
    const missed = unsettled.filter((id) => !byId.has(id) && !owed.has(id));
    for (const job of await core.jobs.getMany(missed)) {
      if (!job) continue;
      if (!TERMINAL_JOB_STATES.has(job.state)) unindexed.push(job);
      else if (job.noticePending) owed.set(job.id, job);
    }
    for (const j of unindexed) byId.set(j.id, j);
  }
  if (unindexed.length > 0) await core.jobs.addActive(...unindexed.map((j) => j.id));
  if (stale.length > 0) await core.jobs.removeActive(...stale);
  const orphanCharges = await reconcileQuotas(core);

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
    if (resume.shared) {
      resume.shared.owed(job);
      continue;
    }
    core.finished.set(job.id, job);
    if (!job.place.messageRef) core.notifier.accepted(job.id);
    core.finalNotice(job);
  }
  const spread = core.deps.timing.poll.firstMinMs;
  for (const job of jobs) {
    if (!resume.shared) {
      core.active.set(job.id, job);
      if (!job.place.messageRef) core.notifier.accepted(job.id);
    }
    if (job.state === 'waiting' && !job.submitInFlight) {
      resume.waiting(job);
      report.waiting += 1;
    } else if ((job.state === 'submitted' || job.state === 'in_progress') && job.videoId) {
      resume.following(job, spread);
      report.polling += 1;
    } else if (job.state === 'completed') {
      resume.completed(job);
      report.delivering += 1;
    } else {
      resume.unknown(job);
      report.unknownSubmissions += 1;
    }
  }
  return report;
}

/** Drop charges whose job was never written (crash between charging and writing the job). */
function reconcileQuotas(core: EngineCore): Promise<number> {
  return core.quota.reconcileOrphans(async (ids) => {
    const found = await core.jobs.getMany(ids);
    return new Set(ids.filter((_, i) => found[i] !== undefined));
  }, core.now());
}

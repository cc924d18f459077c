/**
 * The scheduling port: which accepted job is sent upstream when, who follows it and who
 * delivers it, and how unfinished jobs resume. Two backends share every other part of the
 * engine (job records, quotas, submission, status checks, delivery):
 * - `InProcessScheduler`: one process (the embedded default), a fair queue and one poll loop
 *   in memory;
 * - `BullScheduler`: any number of instances over BullMQ on Redis (`REDIS_URL`).
 */
import type { Job } from '../job.ts';
import type { RecoveryReport } from '../recovery.ts';

export interface Scheduler {
  /** Resume every unfinished job and start taking work. */
  start(options: { repairScan: boolean }): Promise<RecoveryReport>;
  /** An accepted job (written and charged) joins the queue. Resolves its 1-based position. */
  enqueue(job: Job): Promise<number>;
  /**
   * Stop scheduling a job that is being cancelled. True when it was still waiting in the queue
   * (nothing reached the upstream, so the caller refunds it).
   */
  withdraw(jobId: string): Promise<boolean>;
  /** Check a running job now instead of at its scheduled time (webhooks, tests). */
  pokeNow(jobId: string): void;
  /**
   * Stop taking work. In-process: jobs resume on the next start. Distributed: this instance's
   * running jobs are handed back to the queue for another instance to follow.
   */
  stop(): Promise<void>;
}

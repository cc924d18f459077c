/**
 * What the engine needs from a quota book: the in-process {@link QuotaBook} (records in the
 * store, locks in memory) or, in distributed mode, `RedisQuotaBook` (one Lua script per
 * reservation, so the limits hold across every instance).
 */
import type { Actor, QuotaUsage, Refusal } from './engine-api.ts';
import type { Job, Platform } from './job.ts';

export type UserKey = { platform: Platform; workspaceId: string; userId: string };

/** Whose quota a job is charged to. */
export function quotaUserOf(job: Job): UserKey {
  return {
    platform: job.requester.platform,
    workspaceId: job.place.workspaceId,
    userId: job.requester.userId,
  };
}

export interface QuotaLedger {
  /** Admins (by config or by the adapter's own judgement) are never charged. */
  isExempt(actor: Actor): boolean;
  /** The quota day (`YYYY-MM-DD` in the quota time zone) of `nowMs`. */
  day(nowMs: number): string;
  /**
   * Check every limit and charge `job` atomically, then run `persist` (which writes the job).
   * Returns a refusal (nothing charged) or `undefined`.
   */
  reserve(job: Job, persist: () => Promise<void>): Promise<Refusal | undefined>;
  /** Give back what `job` was charged. Idempotent. */
  refund(job: Job): Promise<void>;
  /** The job reached a terminal state: it no longer counts as one in progress. Idempotent. */
  ended(job: Job): Promise<void>;
  /** Forget a user's usage for the current day (admin). */
  resetUser(user: UserKey, nowMs: number): Promise<void>;
  usage(actor: Actor, workspaceId: string, nowMs: number): Promise<QuotaUsage>;
  /** After a crash: drop charges for jobs that were never written. Returns how many. */
  reconcileOrphans(jobExists: (ids: string[]) => Promise<Set<string>>, nowMs: number): Promise<number>;
}

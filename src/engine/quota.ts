/**
 * Per-user and per-workspace quotas, charged by job id rather than by counters.
 *
 * A usage record per (platform, workspace, user, day) is `{ jobs: { [jobId]: seconds } }`;
 * the workspace record per day likewise. Reserving adds the job id under the keyed mutex
 * (user and workspace keys, sorted) and the job is written before the lock is released;
 * refunding removes the id. Both are idempotent, so a crash between steps can never charge
 * twice, and {@link QuotaBook.reconcile} drops ids whose job was never written.
 */
import type { Actor, QuotaUsage, Refusal, UserLimits } from './engine-api.ts';
import type { Job, Platform } from './job.ts';
import type { KeyedMutex } from './keyed-mutex.ts';
import { quotaDay, quotaDayEndsAt } from './quota-day.ts';
import type { Settings } from './settings.ts';
import type { Store } from './store.ts';

/** Configured defaults. A daily limit of 0 means "no limit". */
export interface QuotaLimits {
  dailyVideos: number;
  dailySeconds: number;
  activeJobs: number;
  workspaceDailyVideos: number;
  timeZone: string;
  /** `platform:userId` or bare user ids. */
  adminUsers: readonly string[];
  adminRoles: readonly string[];
}

interface UsageRecord {
  jobs: Record<string, number>;
}

interface EffectiveLimits {
  dailyVideos: number;
  dailySeconds: number;
  activeJobs: number;
  workspaceCap: number;
}

type UserKey = { platform: Platform; workspaceId: string; userId: string };

/** Counts a user's non-terminal jobs (owned by the engine's in-memory registry). */
export type ActiveJobs = (user: UserKey) => Job[];

export class QuotaBook {
  constructor(
    private readonly store: Store,
    private readonly mutex: KeyedMutex,
    private readonly settings: Settings,
    private readonly limits: QuotaLimits,
    private readonly activeJobs: ActiveJobs,
  ) {}

  /** Admins (by config or by the adapter's own judgement) are never charged. */
  isExempt(actor: Actor): boolean {
    if (actor.isAdmin) return true;
    const users = this.limits.adminUsers;
    if (users.includes(actor.userId) || users.includes(`${actor.platform}:${actor.userId}`)) return true;
    return (actor.roles ?? []).some((r) => this.limits.adminRoles.includes(r));
  }

  day(nowMs: number): string {
    return quotaDay(nowMs, this.limits.timeZone);
  }

  /**
   * Check every limit and charge `job` atomically, then run `persist` (which writes the job)
   * while still holding the locks. Returns a refusal (nothing charged) or `undefined`.
   */
  async reserve(job: Job, persist: () => Promise<void>): Promise<Refusal | undefined> {
    const user = userOf(job);
    const userKey = usageKey(user, job.quotaDay);
    const wsKey = workspaceKey(user.platform, user.workspaceId, job.quotaDay);
    return this.mutex.run([userKey, wsKey], async () => {
      if (job.quotaExempt) {
        await persist();
        return undefined;
      }
      const [usage, ws] = await this.store.getMany<UsageRecord>([userKey, wsKey]);
      const limits = await this.#effectiveLimits(user);
      const refusal = this.#check(job, usage, ws, limits);
      if (refusal) return refusal;
      // Charge first, then write the job: a crash in between leaves an id reconcile() drops.
      await this.store.set(userKey, withJob(usage, job.id, job.seconds));
      await this.store.set(wsKey, withJob(ws, job.id, 1));
      await persist();
      return undefined;
    });
  }

  /** Give back what `job` was charged. Idempotent. */
  async refund(job: Job): Promise<void> {
    if (job.quotaExempt) return;
    const user = userOf(job);
    await this.#remove(usageKey(user, job.quotaDay), [job.id]);
    await this.#remove(workspaceKey(user.platform, user.workspaceId, job.quotaDay), [job.id]);
  }

  /** Forget a user's usage for the current day (admin). */
  async resetUser(user: UserKey, nowMs: number): Promise<void> {
    const key = usageKey(user, this.day(nowMs));
    await this.mutex.run(key, () => this.store.delete(key));
  }

  /** Usage and limits as `/quota` shows them. */
  async usage(actor: Actor, workspaceId: string, nowMs: number): Promise<QuotaUsage> {
    const day = this.day(nowMs);
    const user = { platform: actor.platform, workspaceId, userId: actor.userId };
    const exempt = this.isExempt(actor);
    const [usage, ws] = await this.store.getMany<UsageRecord>([
      usageKey(user, day),
      workspaceKey(actor.platform, workspaceId, day),
    ]);
    const limits = await this.#effectiveLimits(user);
    const active = this.activeJobs(user);
    const lim = (n: number) => (exempt || n <= 0 ? null : n);
    return {
      day,
      timeZone: this.limits.timeZone,
      resetsAt: quotaDayEndsAt(nowMs, this.limits.timeZone),
      exempt,
      videos: { used: countOf(usage), limit: lim(limits.dailyVideos) },
      seconds: { used: secondsOf(usage), limit: lim(limits.dailySeconds) },
      active: { used: active.length, limit: exempt ? null : limits.activeJobs, jobs: active },
      workspace: { used: countOf(ws), limit: lim(limits.workspaceCap) },
    };
  }

  /**
   * After a crash: drop charges for jobs that were never written (the user was never told
   * the job was accepted). `usageEntries` come from a store scan of `quotas:`.
   */
  async reconcile(usageEntries: Array<[string, UsageRecord]>, jobExists: (id: string) => boolean) {
    let dropped = 0;
    for (const [key, record] of usageEntries) {
      const orphans = Object.keys(record?.jobs ?? {}).filter((id) => !jobExists(id));
      if (orphans.length === 0) continue;
      dropped += orphans.length;
      await this.#remove(key, orphans);
    }
    return dropped;
  }

  async #remove(key: string, ids: string[]): Promise<void> {
    await this.mutex.run(key, async () => {
      const record = await this.store.get<UsageRecord>(key);
      if (!record || !ids.some((id) => id in record.jobs)) return;
      const jobs = { ...record.jobs };
      for (const id of ids) delete jobs[id];
      await this.store.set(key, { jobs });
    });
  }

  async #effectiveLimits(user: UserKey): Promise<EffectiveLimits> {
    const [override, cap] = await Promise.all([
      this.settings.userLimits(user.platform, user.workspaceId, user.userId),
      this.settings.workspaceCap(user.platform, user.workspaceId),
    ]);
    const o: UserLimits = override ?? {};
    return {
      dailyVideos: o.dailyVideos ?? this.limits.dailyVideos,
      dailySeconds: o.dailySeconds ?? this.limits.dailySeconds,
      activeJobs: o.activeJobs ?? this.limits.activeJobs,
      workspaceCap: cap ?? this.limits.workspaceDailyVideos,
    };
  }

  #check(
    job: Job,
    usage: UsageRecord | undefined,
    ws: UsageRecord | undefined,
    limits: EffectiveLimits,
  ): Refusal | undefined {
    const resets = `Your daily allowance resets ${this.#resetPhrase(job.createdAt)}.`;
    const active = this.activeJobs(userOf(job)).filter((j) => j.id !== job.id).length;
    if (active >= limits.activeJobs) {
      return {
        code: 'quota_active_jobs',
        message: `You already have ${active} video${active === 1 ? '' : 's'} in progress (the limit is ${limits.activeJobs}). Wait for one to finish or cancel one, then try again.`,
      };
    }
    const count = countOf(usage);
    if (limits.dailyVideos > 0 && count >= limits.dailyVideos) {
      return {
        code: 'quota_daily_videos',
        message: `You have made ${count} of your ${limits.dailyVideos} videos for today. ${resets}`,
      };
    }
    const seconds = secondsOf(usage);
    if (limits.dailySeconds > 0 && seconds + job.seconds > limits.dailySeconds) {
      const left = Math.max(0, limits.dailySeconds - seconds);
      return {
        code: 'quota_daily_seconds',
        message: `This ${job.seconds}-second video would take you past your ${limits.dailySeconds} video-seconds for today (${left} left). Try a shorter duration. ${resets}`,
      };
    }
    if (limits.workspaceCap > 0 && countOf(ws) >= limits.workspaceCap) {
      return {
        code: 'quota_workspace',
        message: `This server has used all ${limits.workspaceCap} of its videos for today. The allowance resets ${this.#resetPhrase(job.createdAt)}.`,
      };
    }
    return undefined;
  }

  #resetPhrase(nowMs: number): string {
    const at = quotaDayEndsAt(nowMs, this.limits.timeZone);
    const minutes = Math.max(1, Math.round((at - nowMs) / 60_000));
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return `in ${h > 0 ? `${h} h ` : ''}${m} min (midnight ${this.limits.timeZone})`;
  }
}

function userOf(job: Job): UserKey {
  return {
    platform: job.requester.platform,
    workspaceId: job.place.workspaceId,
    userId: job.requester.userId,
  };
}

function usageKey(u: UserKey, day: string): string {
  return `quotas:user:${u.platform}:${u.workspaceId}:${u.userId}:${day}`;
}

function workspaceKey(platform: Platform, workspaceId: string, day: string): string {
  return `quotas:ws:${platform}:${workspaceId}:${day}`;
}

function withJob(record: UsageRecord | undefined, jobId: string, amount: number): UsageRecord {
  return { jobs: { ...(record?.jobs ?? {}), [jobId]: amount } };
}

function countOf(record: UsageRecord | undefined): number {
  return Object.keys(record?.jobs ?? {}).length;
}

function secondsOf(record: UsageRecord | undefined): number {
  return Object.values(record?.jobs ?? {}).reduce((a, b) => a + b, 0);
}

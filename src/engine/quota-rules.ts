/**
 * The quota rules both quota books share: who is exempt, the quota day, the effective limits
 * (configured defaults, per-user overrides, the workspace cap) and the refusals when one is hit.
 */
import type { Actor, QuotaUsage, Refusal, UserLimits } from './engine-api.ts';
import type { Job } from './job.ts';
import type { QuotaLimits } from './quota.ts';
import { quotaDay, quotaDayEndsAt } from './quota-day.ts';
import type { UserKey } from './quota-ledger.ts';
import type { Settings } from './settings.ts';

export interface EffectiveLimits {
  dailyVideos: number;
  dailySeconds: number;
  activeJobs: number;
  workspaceCap: number;
}

export class QuotaRules {
  /** The latest quota day seen: every moment in [from, until) belongs to it. */
  #today: { day: string; from: number; until: number } | undefined;

  constructor(
    private readonly settings: Settings,
    private readonly limits: QuotaLimits,
  ) {}

  /** `/quota`'s figures with their limits (none for the exempt, none where a limit is 0). */
  report(f: {
    day: string;
    until: number;
    exempt: boolean;
    limits: EffectiveLimits;
    videos: number;
    seconds: number;
    active: Job[];
    workspace: number;
  }): QuotaUsage {
    const lim = (n: number) => (f.exempt || n <= 0 ? null : n);
    return {
      day: f.day,
      timeZone: this.limits.timeZone,
      resetsAt: f.until,
      exempt: f.exempt,
      videos: { used: f.videos, limit: lim(f.limits.dailyVideos) },
      seconds: { used: f.seconds, limit: lim(f.limits.dailySeconds) },
      active: { used: f.active.length, limit: f.exempt ? null : f.limits.activeJobs, jobs: f.active },
      workspace: { used: f.workspace, limit: lim(f.limits.workspaceCap) },
    };
  }

  /** Admins (by config or by the adapter's own judgement) are never charged. */
  isExempt(actor: Actor): boolean {
    if (actor.isAdmin) return true;
    const users = this.limits.adminUsers;
    if (users.includes(actor.userId) || users.includes(`${actor.platform}:${actor.userId}`)) return true;
    return (actor.roles ?? []).some((r) => this.limits.adminRoles.includes(r));
  }

  async effectiveLimits(user: UserKey): Promise<EffectiveLimits> {
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

  /** The user's own limits: jobs in progress (`active`: their others), videos and video-seconds today. */
  checkUser(
    job: Job,
    active: number,
    usage: { count: number; seconds: number },
    limits: EffectiveLimits,
  ): Refusal | undefined {
    if (active >= limits.activeJobs) {
      return { code: 'quota_active_jobs', values: { used: active, limit: limits.activeJobs } };
    }
    const count = usage.count;
    if (limits.dailyVideos > 0 && count >= limits.dailyVideos) {
      return {
        code: 'quota_daily_videos',
        values: { used: count, limit: limits.dailyVideos, ...this.#resets(job.createdAt) },
      };
    }
    const seconds = usage.seconds;
    if (limits.dailySeconds > 0 && seconds + job.seconds > limits.dailySeconds) {
      return {
        code: 'quota_daily_seconds',
        values: {
          used: seconds,
          limit: limits.dailySeconds,
          requested: job.seconds,
          ...this.#resets(job.createdAt),
        },
      };
    }
    return undefined;
  }

  /** The workspace's daily cap (checked after the user's own limits, under the workspace lock). */
  checkWorkspace(job: Job, wsCount: number, limits: EffectiveLimits): Refusal | undefined {
    if (limits.workspaceCap > 0 && wsCount >= limits.workspaceCap) {
      return {
        code: 'quota_workspace',
        values: { used: wsCount, limit: limits.workspaceCap, ...this.#resets(job.createdAt) },
      };
    }
    return undefined;
  }

  /** When the quota day of `nowMs` ends, for a refusal (built only then: it is a few date formats). */
  #resets(nowMs: number): { resetsAt: number; timeZone: string } {
    return { resetsAt: this.dayOf(nowMs).until, timeZone: this.limits.timeZone };
  }

  /**
   * The quota day of `atMs` and when it ends. The latest day is remembered as an interval, so
   * the common case (now, again) costs two comparisons instead of date formatting; a day is one
   * contiguous interval, so any moment between two seen in it belongs to it too.
   */
  dayOf(atMs: number): { day: string; until: number } {
    const today = this.#today;
    if (today && atMs >= today.from && atMs < today.until) return today;
    const day = quotaDay(atMs, this.limits.timeZone);
    if (today && day === today.day) {
      today.from = Math.min(today.from, atMs);
      return today;
    }
    const until = quotaDayEndsAt(atMs, this.limits.timeZone);
    // Only a later day replaces the remembered one (recovery also asks about yesterday).
    if (!today || atMs >= today.until) this.#today = { day, from: atMs, until };
    return { day, until };
  }
}

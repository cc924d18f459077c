/**
 * Per-user and per-workspace quotas, charged by job id rather than by counters.
 *
 * A usage record per (platform, workspace, user, day) is `{ jobs: { [jobId]: seconds } }`;
 * the workspace record per day likewise. Reserving adds the job id under the keyed mutex
 * (user and workspace keys, sorted) and the job is written before the lock is released;
 * refunding removes the id. Both are idempotent, so a crash between steps can never charge
 * twice, and {@link QuotaBook.reconcile} drops ids whose job was never written.
 *
 * The hot path is a burst of submits in one workspace, all behind that workspace's record. So
 * the records are cached in memory as written (one process owns the store), a charge is one
 * write per record and no read, and the workspace lock covers only check + charge: writing the
 * job happens under the user's lock alone, so submits of different users write their jobs
 * side by side. The stored format (`{ jobs }`) is unchanged.
 */
import type { Actor, QuotaUsage, Refusal } from './engine-api.ts';
import type { Job, Platform } from './job.ts';
import type { KeyedMutex } from './keyed-mutex.ts';
import { type QuotaLedger, type UserKey, quotaUserOf as userOf } from './quota-ledger.ts';
import { QuotaRules } from './quota-rules.ts';
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

/** A usage record as cached: the stored `jobs` plus totals kept up to date with it. */
interface Tally {
  jobs: Record<string, number>;
  count: number;
  seconds: number;
}

/** Usage records kept in memory (most recently used last); old days fall out first. */
const CACHED_RECORDS = 10_000;

/** Counts a user's non-terminal jobs (owned by the engine's in-memory registry). */
export type ActiveJobs = (user: UserKey) => Job[];

export class QuotaBook implements QuotaLedger {
  readonly #records = new Map<string, Tally>();
  private readonly rules: QuotaRules;

  constructor(
    private readonly store: Store,
    private readonly mutex: KeyedMutex,
    settings: Settings,
    limits: QuotaLimits,
    private readonly activeJobs: ActiveJobs,
  ) {
    this.rules = new QuotaRules(settings, limits);
  }

  isExempt(actor: Actor): boolean {
    return this.rules.isExempt(actor);
  }

  day(nowMs: number): string {
    return this.rules.dayOf(nowMs).day;
  }

  /**
   * Check every limit and charge `job` atomically, then run `persist` (which writes the job)
   * while still holding the user's lock. Returns a refusal (nothing charged) or `undefined`.
   */
  async reserve(job: Job, persist: () => Promise<void>): Promise<Refusal | undefined> {
    const user = userOf(job);
    const userKey = usageKey(user, job.quotaDay);
    const wsKey = workspaceKey(user.platform, user.workspaceId, job.quotaDay);
    // Lock order user → workspace is the sorted order KeyedMutex uses, so no deadlock.
    return this.mutex.run(userKey, async () => {
      if (job.quotaExempt) {
        await persist();
        return undefined;
      }
      const limits = await this.rules.effectiveLimits(user);
      const usage = await this.#record(userKey);
      const refusal =
        this.rules.checkUser(job, this.#activeOthers(job), usage, limits) ??
        (await this.mutex.run(wsKey, async () => {
          const ws = await this.#record(wsKey);
          const refused = this.rules.checkWorkspace(job, ws.count, limits);
          if (refused) return refused;
          // Charge first, then write the job: a crash in between leaves an id reconcile() drops.
          await this.#charge(job.id, [
            [userKey, usage, job.seconds],
            [wsKey, ws, 1],
          ]);
          return undefined;
        }));
      if (refusal) return refusal;
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

  /** Nothing to do: a job in progress is counted from the engine's own registry. */
  async ended(_job: Job): Promise<void> {}

  /** Drop charges of today and yesterday whose job was never written (after a crash). */
  async reconcileOrphans(jobExists: (ids: string[]) => Promise<Set<string>>, nowMs: number) {
    const entries = await this.store.scan<UsageRecord>('quotas:');
    // Only recent days matter; older days no longer limit anyone.
    const recentDays = new Set([this.day(nowMs), this.day(nowMs - 86_400_000)]);
    const recent = entries.filter(([key]) => recentDays.has(key.slice(key.lastIndexOf(':') + 1)));
    const present = await jobExists([...new Set(recent.flatMap(([, r]) => Object.keys(r?.jobs ?? {})))]);
    return this.reconcile(recent, (id) => present.has(id));
  }

  /** Forget a user's usage for the current day (admin). */
  async resetUser(user: UserKey, nowMs: number): Promise<void> {
    const key = usageKey(user, this.day(nowMs));
    await this.mutex.run(key, async () => {
      this.#records.delete(key);
      await this.store.delete(key);
    });
  }

  /** Usage and limits as `/quota` shows them. */
  async usage(actor: Actor, workspaceId: string, nowMs: number): Promise<QuotaUsage> {
    const { day, until } = this.rules.dayOf(nowMs);
    const user = { platform: actor.platform, workspaceId, userId: actor.userId };
    const exempt = this.isExempt(actor);
    // Unlocked reads: a charge being written may show a moment early, which is harmless here.
    const usage = await this.#record(usageKey(user, day));
    const ws = await this.#record(workspaceKey(actor.platform, workspaceId, day));
    const limits = await this.rules.effectiveLimits(user);
    const active = this.activeJobs(user);
    const { count: videos, seconds } = usage;
    return this.rules.report({ day, until, exempt, limits, videos, seconds, active, workspace: ws.count });
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
      const record = await this.#record(key);
      const present = ids.filter((id) => Object.hasOwn(record.jobs, id));
      if (present.length === 0) return;
      for (const id of present) {
        record.count -= 1;
        record.seconds -= record.jobs[id] ?? 0;
        delete record.jobs[id];
      }
      await this.#write(key, record);
    });
  }

  /** Add `jobId` to each record (the caller holds their locks); one write per record, side by side. */
  async #charge(jobId: string, charges: Array<[key: string, record: Tally, amount: number]>): Promise<void> {
    for (const [, record, amount] of charges) {
      record.seconds += amount - (record.jobs[jobId] ?? 0);
      if (!Object.hasOwn(record.jobs, jobId)) record.count += 1;
      record.jobs[jobId] = amount;
    }
    await Promise.all(charges.map(([key, record]) => this.#write(key, record)));
  }

  /**
   * Write a record (the caller holds its lock). Once written it is the truth, so it is (re)cached
   * even if an unlocked reader cached an older copy meanwhile; a failed write forgets the key so
   * the next use reads what is stored.
   */
  async #write(key: string, record: Tally): Promise<void> {
    try {
      await this.store.set(key, { jobs: record.jobs } satisfies UsageRecord);
    } catch (err) {
      this.#records.delete(key);
      throw err;
    }
    this.#remember(key, record);
  }

  /** Cache `record` as the most recently used, forgetting the least recently used past the cap. */
  #remember(key: string, record: Tally): void {
    this.#records.delete(key);
    this.#records.set(key, record);
    if (this.#records.size > CACHED_RECORDS) {
      const oldest = this.#records.keys().next().value;
      if (oldest !== undefined) this.#records.delete(oldest);
    }
  }

  /** The requester's other jobs in progress. */
  #activeOthers(job: Job): number {
    return this.activeJobs(userOf(job)).filter((j) => j.id !== job.id).length;
  }

  /** The record at `key`, from memory or else the store (an empty one when there is none). */
  async #record(key: string): Promise<Tally> {
    const cached = this.#records.get(key);
    if (cached) {
      this.#remember(key, cached);
      return cached;
    }
    const stored = await this.store.get<UsageRecord>(key);
    // Another caller may have loaded (and since changed) it while we read: theirs is newer.
    const raced = this.#records.get(key);
    if (raced) return raced;
    const jobs = { ...(stored?.jobs ?? {}) };
    const tally = {
      jobs,
      count: Object.keys(jobs).length,
      seconds: Object.values(jobs).reduce((a, b) => a + b, 0),
    };
    this.#remember(key, tally);
    return tally;
  }
}

function usageKey(u: UserKey, day: string): string {
  return `quotas:user:${u.platform}:${u.workspaceId}:${u.userId}:${day}`;
}

function workspaceKey(platform: Platform, workspaceId: string, day: string): string {
  return `quotas:ws:${platform}:${workspaceId}:${day}`;
}

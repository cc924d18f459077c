/**
 * Quotas for the distributed mode: the same limits as {@link QuotaBook}, kept in Redis so they
 * hold across every instance. Keyv has no atomic read-modify-write, so a reservation is one Lua
 * script over the user's day record, the workspace's day record and the user's set of jobs in
 * progress: check every limit and charge, or refuse, with nothing in between.
 *
 * Records are hashes `jobId → seconds` (charged by job id, like the embedded book), so a refund
 * or a repeated reservation is idempotent and a refund is exact.
 */
import type { Redis } from 'ioredis';
import type { Actor, QuotaUsage, Refusal } from './engine-api.ts';
import { type Job, type Platform, TERMINAL_JOB_STATES } from './job.ts';
import type { QuotaLimits } from './quota.ts';
import { type QuotaLedger, type UserKey, quotaUserOf as userOf } from './quota-ledger.ts';
import { QuotaRules } from './quota-rules.ts';
import type { Settings } from './settings.ts';

/** Day records outlive their day by this much (yesterday is still reconciled after a crash). */
const RECORD_TTL_S = 3 * 86_400;
/** A charge younger than this may belong to a job another instance is writing right now. */
const ORPHAN_MIN_AGE_MS = 120_000;

/**
 * KEYS: user record, workspace record, user's active set. ARGV: job id, seconds, exempt (0/1),
 * active limit, daily videos, daily seconds, workspace cap (0 = none), record TTL.
 * Returns { charged (0/1), others active, videos today, seconds today, workspace videos }.
 */
const RESERVE = `
local id = ARGV[1]
local function figures(charged)
  local secs = 0
  for _, v in ipairs(redis.call('HVALS', KEYS[1])) do secs = secs + tonumber(v) end
  local active = redis.call('SCARD', KEYS[3]) - redis.call('SISMEMBER', KEYS[3], id)
  return { charged, active, redis.call('HLEN', KEYS[1]), secs, redis.call('HLEN', KEYS[2]) }
end
if redis.call('SISMEMBER', KEYS[3], id) == 1 then return figures(1) end
if ARGV[3] == '1' then
  redis.call('SADD', KEYS[3], id)
  return figures(1)
end
local f = figures(0)
local dv, ds, cap = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
if f[2] >= tonumber(ARGV[4]) then return f end
if dv > 0 and f[3] >= dv then return f end
if ds > 0 and f[4] + tonumber(ARGV[2]) > ds then return f end
if cap > 0 and f[5] >= cap then return f end
redis.call('HSET', KEYS[1], id, ARGV[2])
redis.call('HSET', KEYS[2], id, 1)
redis.call('SADD', KEYS[3], id)
redis.call('EXPIRE', KEYS[1], ARGV[8])
redis.call('EXPIRE', KEYS[2], ARGV[8])
f[1] = 1
return f
`;

type Figures = [charged: number, active: number, videos: number, seconds: number, workspace: number];

export class RedisQuotaBook implements QuotaLedger {
  readonly #rules: QuotaRules;

  constructor(
    private readonly redis: Redis,
    settings: Settings,
    limits: QuotaLimits,
    /** Loads jobs by id (for `/quota`'s list of jobs in progress). */
    private readonly loadJobs: (ids: string[]) => Promise<Array<Job | undefined>>,
  ) {
    this.#rules = new QuotaRules(settings, limits);
  }

  isExempt(actor: Actor): boolean {
    return this.#rules.isExempt(actor);
  }

  day(nowMs: number): string {
    return this.#rules.dayOf(nowMs).day;
  }

  async reserve(job: Job, persist: () => Promise<void>): Promise<Refusal | undefined> {
    const user = userOf(job);
    const limits = await this.#rules.effectiveLimits(user);
    const keys = [usageKey(user, job.quotaDay), workspaceKey(user, job.quotaDay), activeKey(user)];
    const args = [job.id, job.seconds, job.quotaExempt ? 1 : 0, limits.activeJobs];
    args.push(limits.dailyVideos, limits.dailySeconds, limits.workspaceCap, RECORD_TTL_S);
    const [charged, active, videos, seconds, workspace] = (await this.redis.eval(
      RESERVE,
      keys.length,
      ...keys,
      ...args,
    )) as Figures;
    if (charged !== 1) {
      // The script refused: the shared rules name the limit from the same figures.
      const refusal =
        this.#rules.checkUser(job, active, { count: videos, seconds }, limits) ??
        this.#rules.checkWorkspace(job, workspace, limits);
      if (refusal) return refusal;
      throw new Error('quota script refused without a reason');
    }
    await persist();
    return undefined;
  }

  async refund(job: Job): Promise<void> {
    const user = userOf(job);
    const multi = this.redis.multi();
    if (!job.quotaExempt) {
      multi.hdel(usageKey(user, job.quotaDay), job.id);
      multi.hdel(workspaceKey(user, job.quotaDay), job.id);
    }
    multi.srem(activeKey(user), job.id);
    await multi.exec();
  }

  /** The requester's jobs in progress (this one included): its place in the fair order. */
  outstanding(job: Job): Promise<number> {
    return this.redis.scard(activeKey(userOf(job)));
  }

  async ended(job: Job): Promise<void> {
    await this.redis.srem(activeKey(userOf(job)), job.id);
  }

  async resetUser(user: UserKey, nowMs: number): Promise<void> {
    await this.redis.del(usageKey(user, this.day(nowMs)));
  }

  async usage(actor: Actor, workspaceId: string, nowMs: number): Promise<QuotaUsage> {
    const { day, until } = this.#rules.dayOf(nowMs);
    const user = { platform: actor.platform, workspaceId, userId: actor.userId };
    const exempt = this.isExempt(actor);
    const [record, wsCount, activeIds, limits] = await Promise.all([
      this.redis.hgetall(usageKey(user, day)),
      this.redis.hlen(workspaceKey(user, day)),
      this.redis.smembers(activeKey(user)),
      this.#rules.effectiveLimits(user),
    ]);
    const seconds = Object.values(record).reduce((a, v) => a + Number(v), 0);
    const active = (await this.loadJobs(activeIds)).filter((j): j is Job => j !== undefined);
    const videos = Object.keys(record).length;
    return this.#rules.report({ day, until, exempt, limits, videos, seconds, active, workspace: wsCount });
  }

  /**
   * Drop charges (and in-progress marks) whose job was never written. Other instances may be
   * between charging and writing a job right now, so only charges older than a couple of
   * minutes (by the time in the job id) are judged.
   */
  async reconcileOrphans(jobExists: (ids: string[]) => Promise<Set<string>>, nowMs: number) {
    const recentDays = new Set([this.day(nowMs), this.day(nowMs - 86_400_000)]);
    const keys = (await this.#scanKeys('reelbot:quota:*')).filter((k) =>
      recentDays.has(k.slice(k.lastIndexOf(':') + 1)),
    );
    const members = new Map<string, string[]>();
    for (const key of keys) members.set(key, await this.redis.hkeys(key));
    const old = (id: string) => nowMs - jobIdTime(id) > ORPHAN_MIN_AGE_MS;
    const present = await jobExists([...new Set([...members.values()].flat())].filter(old));
    let dropped = 0;
    for (const [key, list] of members) {
      const orphans = list.filter((id) => old(id) && !present.has(id));
      if (orphans.length === 0) continue;
      dropped += orphans.length;
      await this.redis.hdel(key, ...orphans);
    }
    await this.#dropEndedFromActive(old);
    return dropped;
  }

  /**
   * A job that ended while its instance died between writing the end and taking it off the
   * user's in-progress set would count against the user for good: drop ids whose job is
   * missing or terminal.
   */
  async #dropEndedFromActive(old: (id: string) => boolean): Promise<void> {
    for (const key of await this.#scanKeys('reelbot:active:user:*')) {
      const ids = (await this.redis.smembers(key)).filter(old);
      if (ids.length === 0) continue;
      const jobs = await this.loadJobs(ids);
      const ended = ids.filter((_, i) => {
        const job = jobs[i];
        return job === undefined || TERMINAL_JOB_STATES.has(job.state);
      });
      if (ended.length > 0) await this.redis.srem(key, ...ended);
    }
  }

  async #scanKeys(pattern: string): Promise<string[]> {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      out.push(...keys);
    } while (cursor !== '0');
    return out;
  }
}

/** The creation time written into a job id (`job_` + 9 base-36 chars of ms time + random). */
function jobIdTime(id: string): number {
  const t = Number.parseInt(id.slice(4, 13), 36);
  return Number.isFinite(t) ? t : 0;
}

function usageKey(u: UserKey, day: string): string {
  return `reelbot:quota:user:${u.platform}:${u.workspaceId}:${u.userId}:${day}`;
}

function workspaceKey(u: { platform: Platform; workspaceId: string }, day: string): string {
  return `reelbot:quota:ws:${u.platform}:${u.workspaceId}:${day}`;
}

function activeKey(u: UserKey): string {
  return `reelbot:active:user:${u.platform}:${u.workspaceId}:${u.userId}`;
}

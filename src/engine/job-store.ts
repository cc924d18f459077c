/**
 * Durable job records (`jobs:<id>`) and the small indexes Keyv cannot give us:
 * `index:active:<id>` (one per non-terminal job, see `active-index.ts`), `index:video:<id>` (upstream video → job) and
 * `index:recent:<platform>:<workspace>` (recent delivered videos, capped, for autocomplete).
 *
 * Write order keeps recovery repairable: an id is added to the active index before its job is
 * first written, and removed only after the job's terminal state is written. Recovery drops
 * index ids whose job is missing or terminal, and a start-up scan adds active jobs missing
 * from the index.
 */
import { randomBytes } from 'node:crypto';
import { type ActiveIndex, StoredActiveIndex } from './active-index.ts';
import type { RecentVideo } from './engine-api.ts';
import { type Job, type Platform, TERMINAL_JOB_STATES } from './job.ts';
import type { KeyedMutex } from './keyed-mutex.ts';
import { normaliseVideoId } from './lineage.ts';
import type { Store } from './store.ts';

const RECENT_CAP = 200;

/** A recent video with what the autocomplete filters by. */
export interface RecentRecord extends RecentVideo {
  userId: string;
  channelId: string;
}

/** `job_` + 9 base-36 chars of ms time (sorts by creation) + 8 random hex chars. */
export function newJobId(nowMs: number): string {
  return `job_${nowMs.toString(36).padStart(9, '0')}${randomBytes(4).toString('hex')}`;
}

export class JobStore {
  constructor(
    private readonly store: Store,
    private readonly mutex: KeyedMutex,
    private readonly index: ActiveIndex = new StoredActiveIndex(store),
  ) {}

  get(id: string): Promise<Job | undefined> {
    return this.store.get<Job>(`jobs:${id}`);
  }

  getMany(ids: readonly string[]): Promise<Array<Job | undefined>> {
    return this.store.getMany<Job>(ids.map((id) => `jobs:${id}`));
  }

  /** Write a job record (the caller serialises transitions of one job). */
  async put(job: Job): Promise<void> {
    await this.store.set(`jobs:${job.id}`, job);
  }

  /**
   * Every stored job that is not terminal or whose requester is still owed the final notice
   * (start-up repair scan). The finished majority is skipped by the store itself, so a store of
   * 100,000 old jobs costs one pass over their states, never a read of each record.
   */
  async scanUnsettled(): Promise<string[]> {
    const settled = [...TERMINAL_JOB_STATES].flatMap((state) => [
      [state, null],
      [state, false],
    ]);
    const rows = await this.store.scanFields<Job, 'state' | 'noticePending'>(
      'jobs:',
      ['state', 'noticePending'],
      {
        skip: settled,
      },
    );
    return rows.map(([key]) => key.slice('jobs:'.length));
  }

  loadActive(): Promise<string[]> {
    return this.index.load();
  }

  /** Add ids to the active index; resolves once a write containing them is done. */
  addActive(...ids: string[]): Promise<void> {
    return this.index.add(...ids);
  }

  removeActive(...ids: string[]): Promise<void> {
    return this.index.remove(...ids);
  }

  /** Upstream video id → our job id. */
  async linkVideo(videoId: string, jobId: string): Promise<void> {
    await this.store.set(`index:video:${normaliseVideoId(videoId)}`, jobId);
  }

  jobIdForVideo(videoId: string): Promise<string | undefined> {
    return this.store.get<string>(`index:video:${normaliseVideoId(videoId)}`);
  }

  async addRecent(platform: Platform, workspaceId: string, record: RecentRecord): Promise<void> {
    const key = `index:recent:${platform}:${workspaceId}`;
    await this.mutex.run(key, async () => {
      const list = (await this.store.get<RecentRecord[]>(key)) ?? [];
      const next = [record, ...list.filter((r) => r.videoId !== record.videoId)].slice(0, RECENT_CAP);
      await this.store.set(key, next);
    });
  }

  /** Forget a video in the autocomplete list (its result was deleted). */
  async removeRecent(platform: Platform, workspaceId: string, videoId: string): Promise<void> {
    const key = `index:recent:${platform}:${workspaceId}`;
    await this.mutex.run(key, async () => {
      const list = (await this.store.get<RecentRecord[]>(key)) ?? [];
      const next = list.filter((r) => r.videoId !== videoId);
      if (next.length !== list.length) await this.store.set(key, next);
    });
  }

  async recent(platform: Platform, workspaceId: string): Promise<RecentRecord[]> {
    return (await this.store.get<RecentRecord[]>(`index:recent:${platform}:${workspaceId}`)) ?? [];
  }
}

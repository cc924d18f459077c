/**
 * The history index behind `/history`: per place (`index:history:<platform>:<workspace>`) and per
 * requester (`…:<user>`), the ids of the jobs asked for, newest first, capped. The jobs themselves
 * stay in `jobs:<id>`, so a page always shows their current state.
 */
import type { HistoryIndex } from './history-index.ts';
import type { Job, Platform } from './job.ts';
import type { JobStore } from './job-store.ts';

export interface HistoryFilter {
  platform: Platform;
  workspaceId: string;
  /** Only this requester's jobs. */
  userId?: string;
}

export interface HistoryPage {
  /** Newest first. */
  jobs: Job[];
  /** 0-based page actually shown (clamped to the last one). */
  page: number;
  pages: number;
  total: number;
}

const key = (f: HistoryFilter) =>
  `index:history:${f.platform}:${f.workspaceId}${f.userId !== undefined ? `:${f.userId}` : ''}`;

export class JobHistory {
  constructor(
    private readonly index: HistoryIndex,
    private readonly jobs: JobStore,
  ) {}

  /** Remember a new job in its place's list and its requester's list. */
  async add(job: Job): Promise<void> {
    const place = { platform: job.place.platform, workspaceId: job.place.workspaceId };
    await this.index.add([key(place), key({ ...place, userId: job.requester.userId })], job.id);
  }

  /** One page of the list, newest first; deleted results are left out. */
  async page(filter: HistoryFilter, page: number, pageSize: number): Promise<HistoryPage> {
    const ids = await this.index.ids(key(filter));
    const found = await this.jobs.getMany(ids);
    const jobs = found.filter((j): j is Job => j !== undefined && j.deletedAt === undefined);
    const pages = Math.max(1, Math.ceil(jobs.length / pageSize));
    const shown = Math.min(Math.max(0, Math.floor(page)), pages - 1);
    return {
      jobs: jobs.slice(shown * pageSize, (shown + 1) * pageSize),
      page: shown,
      pages,
      total: jobs.length,
    };
  }
}

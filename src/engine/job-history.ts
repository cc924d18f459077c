/**
 * The history index behind `/history`: per place (`index:history:<platform>:<workspace>`) and per
 * requester (`…:<user>`), the ids of the jobs asked for, newest first, capped. The jobs themselves
 * stay in `jobs:<id>`, so a page always shows their current state.
 */
import type { Job, Platform } from './job.ts';
import type { JobStore } from './job-store.ts';
import type { KeyedMutex } from './keyed-mutex.ts';
import type { Store } from './store.ts';

/** Jobs remembered per list; older ones drop off. */
export const HISTORY_CAP = 500;

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

/** Ids waiting to be put at the head of one list by a single read-modify-write. */
interface Batch {
  ids: string[];
  written: Promise<void>;
}

export class JobHistory {
  /** Per list, the batch whose write has not started yet: a new job joins it. */
  readonly #waiting = new Map<string, Batch>();

  constructor(
    private readonly store: Store,
    private readonly mutex: KeyedMutex,
    private readonly jobs: JobStore,
  ) {}

  /**
   * Remember a new job in its place's list and its requester's list. Jobs arriving while a
   * list is being written go in together with the next write: every job of a workspace needs
   * the place's list, and one write per job (read 500 ids, write 500 ids, one at a time) made
   * a busy intake queue up behind that one lock, each waiting command holding its interaction.
   */
  async add(job: Job): Promise<void> {
    const place = { platform: job.place.platform, workspaceId: job.place.workspaceId };
    await Promise.all(
      [key(place), key({ ...place, userId: job.requester.userId })].map((k) => this.#prepend(k, job.id)),
    );
  }

  #prepend(k: string, id: string): Promise<void> {
    let batch = this.#waiting.get(k);
    if (!batch) {
      const ids: string[] = [];
      const written = this.mutex.run(k, async () => {
        // From here on a job goes into the next batch.
        if (this.#waiting.get(k)?.ids === ids) this.#waiting.delete(k);
        const newest = [...new Set(ids.toReversed())];
        const added = new Set(newest);
        const list = (await this.store.get<string[]>(k)) ?? [];
        await this.store.set(k, [...newest, ...list.filter((x) => !added.has(x))].slice(0, HISTORY_CAP));
      });
      const mine: Batch = { ids, written };
      // Also when the lock itself failed (the write never started): the next job starts afresh.
      const forget = () => {
        if (this.#waiting.get(k) === mine) this.#waiting.delete(k);
      };
      written.then(forget, forget);
      batch = mine;
      this.#waiting.set(k, batch);
    }
    batch.ids.push(id);
    return batch.written;
  }

  /** One page of the list, newest first; deleted results are left out. */
  async page(filter: HistoryFilter, page: number, pageSize: number): Promise<HistoryPage> {
    const ids = (await this.store.get<string[]>(key(filter))) ?? [];
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

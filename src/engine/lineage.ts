/**
 * Where every video came from: per upstream video id its parent, root, depth, prompt,
 * requester, our job id and a link per platform. Stored under `lineage:<id>`, with the
 * direct remixes of a video under `lineage-children:<id>`.
 */
import type { Job, Platform } from './job.ts';
import type { KeyedMutex } from './keyed-mutex.ts';
import type { Store } from './store.ts';
import type { LineageEntry } from './surface.ts';

export interface LineageRecord {
  videoId: string;
  parentVideoId?: string;
  rootVideoId: string;
  depth: number;
  prompt: string;
  requester: string;
  jobId: string;
  links: Partial<Record<Platform, string>>;
  /** The result was deleted: its remixes keep this record, shown as a deleted parent. */
  deleted?: boolean;
}

/** Longest chain followed: guards against corrupted or cyclic data. */
const MAX_DEPTH = 200;

/**
 * The key form of a video id: upstreams disagree on the `video_` prefix (json-remix-size
 * returns `remixed_from_video_id` without it), so lookups ignore it.
 */
export function normaliseVideoId(id: string): string {
  return id.trim().replace(/^video_/, '');
}

export class Lineage {
  constructor(
    private readonly store: Store,
    private readonly mutex: KeyedMutex,
  ) {}

  get(videoId: string): Promise<LineageRecord | undefined> {
    return this.store.get<LineageRecord>(key(videoId));
  }

  /** Record the video a job produced (idempotent: a second call keeps links already known). */
  async record(job: Job, videoId: string): Promise<LineageRecord> {
    const parent = job.parentVideoId ? await this.get(job.parentVideoId) : undefined;
    const parentId = job.parentVideoId ? (parent?.videoId ?? job.parentVideoId) : undefined;
    const record: LineageRecord = {
      videoId,
      rootVideoId: parent?.rootVideoId ?? parentId ?? videoId,
      depth: parentId ? (parent?.depth ?? 0) + 1 : 0,
      prompt: job.prompt,
      requester: job.requester.displayName,
      jobId: job.id,
      links: job.place.link ? { [job.place.platform]: job.place.link } : {},
    };
    if (parentId) record.parentVideoId = parentId;
    await this.mutex.run(key(videoId), async () => {
      const existing = await this.get(videoId);
      await this.store.set(key(videoId), { ...record, links: { ...record.links, ...existing?.links } });
    });
    if (parentId) {
      const ck = childrenKey(parentId);
      await this.mutex.run(ck, async () => {
        const list = (await this.store.get<string[]>(ck)) ?? [];
        if (!list.includes(videoId)) await this.store.set(ck, [...list, videoId]);
      });
    }
    return record;
  }

  /** Remember where a video's message lives on a platform. */
  async setLink(videoId: string, platform: Platform, link: string): Promise<void> {
    await this.mutex.run(key(videoId), async () => {
      const existing = await this.get(videoId);
      if (!existing || existing.links[platform] === link) return;
      await this.store.set(key(videoId), { ...existing, links: { ...existing.links, [platform]: link } });
    });
  }

  /** Mark a video deleted; its record (and so its remixes' lineage) stays. */
  async markDeleted(videoId: string): Promise<void> {
    await this.mutex.run(key(videoId), async () => {
      const existing = await this.get(videoId);
      if (!existing || existing.deleted) return;
      await this.store.set(key(videoId), { ...existing, deleted: true });
    });
  }

  /** Newest → root, starting with `videoId`. Stops at a cycle, a missing record, or a video made elsewhere. */
  async chain(videoId: string, platform?: Platform): Promise<LineageEntry[]> {
    const out: LineageEntry[] = [];
    const seen = new Set<string>();
    let current: string | undefined = videoId;
    while (current !== undefined && out.length < MAX_DEPTH) {
      const norm = normaliseVideoId(current);
      if (seen.has(norm)) break;
      seen.add(norm);
      const record = await this.get(current);
      if (!record) {
        out.push({ videoId: current });
        break;
      }
      out.push(entryOf(record, platform));
      current = record.parentVideoId;
    }
    return out;
  }

  /** Direct remixes of `videoId` made by the bot. */
  async children(videoId: string, platform?: Platform): Promise<LineageEntry[]> {
    const ids = (await this.store.get<string[]>(childrenKey(videoId))) ?? [];
    const records = await this.store.getMany<LineageRecord>(ids.map(key));
    return records.map((r, i) => (r ? entryOf(r, platform) : { videoId: ids[i]! }));
  }
}

function entryOf(record: LineageRecord, platform: Platform | undefined): LineageEntry {
  const entry: LineageEntry = {
    videoId: record.videoId,
    prompt: record.prompt,
    requester: record.requester,
    jobId: record.jobId,
  };
  if (record.deleted) {
    entry.deleted = true;
    return entry; // its message is gone: no link
  }
  const link = platform ? record.links[platform] : Object.values(record.links)[0];
  if (link) entry.link = link;
  return entry;
}

function key(videoId: string): string {
  return `lineage:${normaliseVideoId(videoId)}`;
}

function childrenKey(videoId: string): string {
  return `lineage-children:${normaliseVideoId(videoId)}`;
}

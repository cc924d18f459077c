/**
 * What `/history` shows, platform-neutral: a title, one line per job (prompt, state, age, who,
 * a link to its message) and the paging buttons that apply. Prompts and names come out raw.
 */
import type { Job, Platform } from '../engine/job.ts';
import type { HistoryPage } from '../engine/job-history.ts';
import { type MessageKey, t } from './catalogue/catalogue.ts';
import { formatDuration } from './format-duration.ts';

/** Jobs per page of `/history`. */
export const HISTORY_PAGE_SIZE = 8;

export interface HistoryItem {
  jobId: string;
  prompt: string;
  state: string;
  /** "3m 05s ago". */
  age: string;
  /** The requester's name, on the place-wide list. */
  by?: string;
  link?: string;
}

export interface HistoryPresentation {
  scope: 'mine' | 'all';
  title: string;
  items: HistoryItem[];
  empty: string;
  pageLabel: string;
  /** Older/Newer, with the page each goes to. */
  nav: { dir: 'newer' | 'older'; page: number; label: string }[];
}

export function presentHistory(
  page: HistoryPage,
  o: { scope: 'mine' | 'all'; locale: string | undefined; platform: Platform; nowMs: number },
): HistoryPresentation {
  const text = (key: MessageKey, vars?: Record<string, string | number>) => t(o.locale, key, vars);
  const items = page.jobs.map((job) => itemOf(job, o, text));
  const nav: HistoryPresentation['nav'] = [];
  if (page.page > 0) nav.push({ dir: 'newer', page: page.page - 1, label: text('btn.newer') });
  if (page.page < page.pages - 1) nav.push({ dir: 'older', page: page.page + 1, label: text('btn.older') });
  return {
    scope: o.scope,
    title:
      o.scope === 'mine'
        ? text('history.titleMine')
        : text('history.titleAll', { place: text(`place.${o.platform}`) }),
    items,
    empty: text('history.empty'),
    pageLabel: text('history.page', { page: page.page + 1, pages: page.pages }),
    nav,
  };
}

function itemOf(
  job: Job,
  o: { scope: 'mine' | 'all'; nowMs: number },
  text: (key: MessageKey, vars?: Record<string, string | number>) => string,
): HistoryItem {
  const state = text(
    job.state === 'cancelled' ? 'state.cancelledBySomeone' : (`state.${job.state}` as MessageKey),
    {
      position: '…',
      total: '…',
      progress: Math.round(job.progress),
    },
  );
  const item: HistoryItem = {
    jobId: job.id,
    prompt: job.prompt.replace(/\s+/g, ' ').trim(),
    state,
    age: text('history.ago', { time: formatDuration(o.nowMs - job.createdAt) }),
  };
  if (o.scope === 'all') item.by = text('history.by', { name: job.requester.displayName });
  if (job.place.link) item.link = job.place.link;
  return item;
}

/** What `/quota` shows, platform-neutral: the same rows on Discord and Slack. */
import type { QuotaUsage, UsageFigure } from '../engine/engine-api.ts';
import type { Job, Platform } from '../engine/job.ts';
import { t } from './catalogue/catalogue.ts';

export interface QuotaPresentation {
  title: string;
  /** Videos, video-seconds and the workspace's total today: label and `used of limit`. */
  rows: { label: string; value: string }[];
  /** "Running now (1 of 2)". */
  activeLabel: string;
  /** The running jobs (raw prompt: escape it), or none. */
  activeJobs: { prompt: string; status: string; link?: string }[];
  /** Shown when there are no running jobs. */
  noActive: string;
  /** "Resets <time>". */
  resets: string;
  /** Set for exempt admins. */
  exempt?: string;
}

/** `/quota` for `usage`, in `locale`; `time` formats the reset moment the platform's way. */
export function presentQuota(
  usage: QuotaUsage,
  locale: string | undefined,
  platform: Platform,
  time: (ms: number) => string,
): QuotaPresentation {
  const figure = (f: UsageFigure) =>
    t(locale, 'quota.figure', {
      used: f.used,
      limit: f.limit === null ? t(locale, 'quota.unlimited') : f.limit,
    });
  const place = t(locale, `place.${platform}`);
  const p: QuotaPresentation = {
    title: t(locale, 'quota.title'),
    rows: [
      { label: t(locale, 'quota.videos'), value: figure(usage.videos) },
      { label: t(locale, 'quota.seconds'), value: figure(usage.seconds) },
      { label: t(locale, 'quota.server', { place }), value: figure(usage.workspace) },
    ],
    activeLabel: `${t(locale, 'quota.active')} (${figure(usage.active)})`,
    activeJobs: usage.active.jobs.map((j) => ({
      prompt: j.prompt,
      status: jobStatus(j),
      ...(j.place.link ? { link: j.place.link } : {}),
    })),
    noActive: t(locale, 'quota.none'),
    resets: t(locale, 'quota.resets', { when: time(usage.resetsAt) }),
  };
  if (usage.exempt) p.exempt = t(locale, 'quota.exempt');
  return p;
}

function jobStatus(j: Job): string {
  return j.state === 'in_progress' ? `${j.state} ${Math.round(j.progress)}%` : j.state;
}

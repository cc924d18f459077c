/**
 * The Details view of a result, platform-neutral: the full prompt, model, size, seconds, job and
 * video ids, the parent (marked when deleted), timings, and the command that makes it again in
 * the platform's own syntax. Values come out raw; adapters escape them their own way.
 */
import type { Job, Platform } from '../engine/job.ts';
import type { LineageEntry } from '../engine/surface.ts';
import { type MessageKey, t, type Vars } from './catalogue/catalogue.ts';
import { formatDuration } from './format-duration.ts';

export interface DetailRow {
  label: string;
  value: string;
  /** An id or a command: adapters show it as code (copyable). */
  code?: boolean;
}

export interface JobDetailsView {
  title: string;
  prompt: { label: string; value: string };
  rows: DetailRow[];
  /** The command that reproduces it, ready to copy. */
  command: { label: string; value: string };
  text(key: MessageKey, vars?: Vars): string;
}

export interface DetailsOptions {
  /** The reader's locale. */
  locale: string | undefined;
  /** Whose command syntax to give. */
  platform: Platform;
  parent?: LineageEntry;
  /** Formats a moment the platform's way (Discord `<t:…>`, Slack `<!date…>`). */
  time: (ms: number) => string;
}

export function presentDetails(job: Job, o: DetailsOptions): JobDetailsView {
  const text = (key: MessageKey, vars?: Vars) => t(o.locale, key, vars);
  const none = text('details.none');
  const rows: DetailRow[] = [
    { label: text('details.model'), value: job.model },
    { label: text('details.size'), value: job.size },
    { label: text('details.seconds'), value: String(job.seconds) },
    { label: text('details.job'), value: job.id, code: true },
    { label: text('details.video'), value: job.videoId ?? none, code: job.videoId !== undefined },
  ];
  if (job.parentVideoId !== undefined) {
    const id = o.parent?.videoId ?? job.parentVideoId;
    rows.push({
      label: text('details.parent'),
      value: o.parent?.deleted ? text('details.parentDeleted', { id }) : id,
      code: true,
    });
  } else {
    rows.push({ label: text('details.parent'), value: none });
  }
  rows.push({ label: text('details.created'), value: o.time(job.createdAt) });
  const timings = timingsOf(job, text);
  if (timings) rows.push({ label: text('details.timings'), value: timings });
  const stateKey = `state.${job.state === 'cancelled' ? 'cancelledBySomeone' : job.state}` as MessageKey;
  rows.push({ label: text('details.state'), value: text(stateKey) });
  if (job.deletedBy)
    rows.push({ label: '', value: text('details.deleted', { name: job.deletedBy.displayName }) });
  return {
    title: text('details.title'),
    prompt: { label: text('details.prompt'), value: job.prompt },
    rows,
    command: { label: text('details.command'), value: reproduceCommand(job, o.platform) },
    text,
  };
}

function timingsOf(job: Job, text: (key: MessageKey, vars?: Vars) => string): string | undefined {
  const end = job.deliveredAt ?? job.completedAt;
  if (end === undefined) return undefined;
  const started = job.submittedAt ?? job.createdAt;
  return text('details.timingsValue', {
    queued: formatDuration(started - job.createdAt),
    running: formatDuration((job.completedAt ?? end) - started),
    total: formatDuration(end - job.createdAt),
  });
}

/**
 * The command that makes this video again: `/video prompt:… size:… seconds:… model:…` on
 * Discord, `/video … --size … --seconds … --model …` on Slack (and the CLI); a remix is
 * `/remix` of its parent with the same change.
 */
export function reproduceCommand(job: Job, platform: Platform): string {
  const prompt = job.prompt.replace(/\s+/g, ' ').trim();
  if (platform === 'discord') {
    if (job.kind === 'remix' && job.parentVideoId)
      return `/remix video:${job.parentVideoId} prompt:${prompt}`;
    return `/video prompt:${prompt} size:${job.size} seconds:${job.seconds} model:${job.model}`;
  }
  if (job.kind === 'remix' && job.parentVideoId) return `/remix ${job.parentVideoId} ${prompt}`;
  return `/video ${prompt} --size ${job.size} --seconds ${job.seconds} --model ${job.model}`;
}

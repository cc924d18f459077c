/**
 * What a job message says, platform-neutral: a `JobView` becomes its title (the state label),
 * progress bar, elapsed time and ETA, lineage chain, failure text and the actions that apply.
 * Adapters only map this onto embeds and components (Discord), Block Kit (Slack) or lines (CLI);
 * user text (prompt, names) comes out raw and each adapter escapes it its own way.
 */
import type { Job, JobError } from '../engine/job.ts';
import type { JobView, LineageEntry } from '../engine/surface.ts';
import { type MessageKey, t, type Vars } from './catalogue/catalogue.ts';
import { formatDuration } from './format-duration.ts';
import { jobErrorText } from './job-error-text.ts';
import { progressBar } from './progress-bar.ts';
import { type TeamAction, teamActions } from './team-actions.ts';

/** How the message should look at a glance (colour, emoji). */
export type JobTone = 'running' | 'done' | 'failed' | 'cancelled';

export type JobAction =
  | { kind: 'cancel'; jobId: string; label: string }
  | { kind: 'remix'; videoId: string; jobId: string; label: string }
  | { kind: 'reroll'; jobId: string; label: string }
  /** Continue the video (where the upstream has extensions): a dialog asks what happens next and for how long. */
  | { kind: 'extend'; videoId: string; jobId: string; label: string }
  /** Change the video (where the upstream has edits; elsewhere Remix is the way to change it). */
  | { kind: 'edit'; videoId: string; jobId: string; label: string }
  | TeamAction;

/** One ancestor in the lineage chain, newest first. */
export interface LineageLink {
  /** “the prompt” (cut to 40 characters) when known, else the video id. */
  label: string;
  /** True when `label` is a prompt (adapters may quote or style it). */
  isPrompt: boolean;
  /** The video was deleted: `label` says so, and there is no link. */
  deleted?: boolean;
  videoId: string;
  link?: string;
}

export interface JobPresentation {
  tone: JobTone;
  /** The state label, e.g. "Generating — 60%". */
  title: string;
  /** Running states: `▰▰▰▱▱▱ 60%`. */
  progressBar?: string;
  /** "elapsed 1m 05s · ready <time>", running states only. */
  timing?: string;
  /** `sora-2 · 1280x720 · 8s` (raw model name: escape it). */
  params: { model: string; size: string; seconds: number };
  /** Ancestors of a delivered video, newest first (at most {@link MAX_LINEAGE}). */
  lineage: LineageLink[];
  /** Ancestors left out of {@link lineage}. */
  lineageMore: number;
  /** How this video came from its parent: "Remix of", "Extended from", "Edit of". */
  lineageTitle: string;
  /** The whole lineage line from adapter-formatted labels: "remix of a ← b", "extended from a ← b". */
  lineageLine(parts: string[]): string;
  /** The failure in words (failed or expired jobs). */
  failure?: string;
  /** The video id once known. */
  videoId?: string;
  /** "Variant 2 of 3", for one of several variants asked for at once. */
  variant?: string;
  /** The buttons for this state (and viewer, when one is given). */
  actions: JobAction[];
  /** The catalogue bound to the reader's locale, for the adapter's own labels. */
  text(key: MessageKey, vars?: Vars): string;
  /** Join adapter-formatted lineage labels: "a ← b ← … (2 more)". */
  chain(parts: string[]): string;
}

export const MAX_LINEAGE = 5;

export interface PresentOptions {
  /** Newest → root, starting with this video (delivered jobs). */
  lineage?: readonly LineageEntry[];
  error?: JobError;
  cancelledBy?: { userId: string; displayName: string };
  /** Formats a moment (the ETA) the platform's way, e.g. a Discord `<t:…:R>` timestamp. */
  time?: (ms: number) => string;
  /** Who will see it, when it is one person: Cancel only for the requester or an admin. */
  viewer?: { userId: string; isAdmin: boolean };
  /** Render as if the job were in this state (the Slack result edit runs before `delivered` is stored). */
  state?: Job['state'];
}

const RUNNING = new Set<Job['state']>(['waiting', 'submitted', 'in_progress', 'completed']);

/** The job message's content for `view`, in the requester's locale. */
export function presentJob(view: JobView, o: PresentOptions = {}): JobPresentation {
  const job = view.job;
  const state = o.state ?? job.state;
  const locale = job.place.locale;
  const text = (key: MessageKey, vars?: Vars) => t(locale, key, vars);
  const ancestors = (o.lineage ?? []).slice(1);
  const lineage =
    state === 'delivered' ? ancestors.slice(0, MAX_LINEAGE).map((e) => lineageLink(e, text)) : [];
  const lineageMore = state === 'delivered' ? Math.max(0, ancestors.length - MAX_LINEAGE) : 0;
  const p: JobPresentation = {
    tone: toneOf(state),
    title: title(view, state, o, text),
    params: { model: job.model, size: job.size, seconds: job.seconds },
    lineage,
    lineageMore,
    lineageTitle: text(LINEAGE_KEYS[derivationOf(job)].title),
    lineageLine: (parts) => text(LINEAGE_KEYS[derivationOf(job)].chain, { chain: p.chain(parts) }),
    actions: actions(view, state, o, text),
    text,
    chain: (parts) =>
      [...parts, ...(lineageMore > 0 ? [text('job.moreAncestors', { count: lineageMore })] : [])].join(' ← '),
  };
  if (RUNNING.has(state)) {
    const percent = state === 'completed' ? 100 : job.progress;
    if (state !== 'waiting') p.progressBar = progressBar(percent);
    const eta = view.etaAt !== undefined && state !== 'completed' && o.time ? o.time(view.etaAt) : undefined;
    const elapsed = text('job.elapsed', { time: formatDuration(view.elapsedMs) });
    p.timing = eta ? `${elapsed} · ${text('job.eta', { eta })}` : elapsed;
  }
  if (state === 'failed' || state === 'expired') p.failure = jobErrorText(locale, o.error ?? job.error);
  if (job.videoId) p.videoId = job.videoId;
  if (job.variant) p.variant = text('job.variant', { index: job.variant.index, of: job.variant.of });
  return p;
}

function toneOf(state: Job['state']): JobTone {
  if (state === 'delivered') return 'done';
  if (state === 'failed' || state === 'expired') return 'failed';
  if (state === 'cancelled') return 'cancelled';
  return 'running';
}

function title(view: JobView, state: Job['state'], o: PresentOptions, text: JobPresentation['text']): string {
  switch (state) {
    case 'waiting':
      return text('state.waiting', {
        position: view.position ?? 1,
        total: Math.max(view.queueLength, view.position ?? 1, 1),
      });
    case 'in_progress':
      return text('state.in_progress', { progress: Math.round(view.job.progress) });
    case 'cancelled': {
      const by = o.cancelledBy ?? view.job.cancelledBy;
      return by ? text('state.cancelled', { name: by.displayName }) : text('state.cancelledBySomeone');
    }
    default:
      return text(`state.${state}`);
  }
}

const LINEAGE_KEYS = {
  remix: { title: 'job.remixOf', chain: 'job.remixOfChain' },
  extend: { title: 'job.extendedFrom', chain: 'job.extendedFromChain' },
  edit: { title: 'job.editOf', chain: 'job.editOfChain' },
} as const satisfies Record<string, { title: MessageKey; chain: MessageKey }>;

function derivationOf(job: Job): keyof typeof LINEAGE_KEYS {
  return job.kind === 'extend' || job.kind === 'edit' ? job.kind : 'remix';
}

function actions(
  view: JobView,
  state: Job['state'],
  o: PresentOptions,
  text: JobPresentation['text'],
): JobAction[] {
  const job = view.job;
  const reroll: JobAction = { kind: 'reroll', jobId: job.id, label: text('btn.reroll') };
  if (RUNNING.has(state) && state !== 'completed') {
    const v = o.viewer;
    const mayCancel = !v || v.isAdmin || v.userId === job.requester.userId;
    return mayCancel ? [{ kind: 'cancel', jobId: job.id, label: text('btn.cancel') }] : [];
  }
  if (state === 'delivered') {
    if (!job.videoId) return [reroll, ...teamActions(job, o.viewer, text)];
    const videoId = job.videoId;
    const out: JobAction[] = [{ kind: 'remix', videoId, jobId: job.id, label: text('btn.remix') }, reroll];
    // Only where the upstream has the route: a button that can only fail is not shown.
    if (view.offers?.extend) out.push({ kind: 'extend', videoId, jobId: job.id, label: text('btn.extend') });
    if (view.offers?.edit) out.push({ kind: 'edit', videoId, jobId: job.id, label: text('btn.edit') });
    return [...out, ...teamActions(job, o.viewer, text)];
  }
  // A failure that was not the prompt's fault is worth another try.
  if (state === 'failed' || state === 'expired') {
    const error = o.error ?? job.error;
    return error?.userFault ? [] : [reroll];
  }
  return [];
}

function lineageLink(e: LineageEntry, text: JobPresentation['text']): LineageLink {
  const prompt = e.prompt?.replace(/\s+/g, ' ').trim();
  const label = prompt ? `“${prompt.length > 40 ? `${prompt.slice(0, 39)}…` : prompt}”` : e.videoId;
  if (e.deleted) {
    return {
      label: text('details.parentDeleted', { id: label }),
      isPrompt: Boolean(prompt),
      deleted: true,
      videoId: e.videoId,
    };
  }
  return { label, isPrompt: Boolean(prompt), videoId: e.videoId, ...(e.link ? { link: e.link } : {}) };
}

/**
 * The job message in Block Kit: status, the prompt (escaped, quoted), parameters and requester,
 * a progress bar with elapsed time and an ETA Slack shows in each reader's time zone, lineage
 * once delivered, and the buttons that fit the state. Pure: a `JobView` in, `{ text, blocks }` out.
 */
import type { types } from '@slack/bolt';
import type { Job, JobError } from '../../../engine/job.ts';
import type { JobView, LineageEntry } from '../../../engine/surface.ts';
import { ACTION_IDS } from '../action-ids.ts';
import { escapeSlack, link, safeText, slackDate, truncate } from './slack-text.ts';

type KnownBlock = types.KnownBlock;

export interface RenderedMessage {
  /** Notification / fallback text (escaped). */
  text: string;
  blocks: KnownBlock[];
}

/** Extra facts a render may add. */
export interface JobExtras {
  lineage?: LineageEntry[];
  error?: JobError;
  cancelledBy?: { userId: string; displayName: string };
  /** A line under the status, e.g. where the video went or why it could not be uploaded (mrkdwn, already safe). */
  note?: string;
}

const PROMPT_MAX = 2500;
const BAR_CELLS = 10;

/** Only real Slack user ids become mentions; anything else is shown as escaped text. */
export function mentionUser(userId: string, displayName: string): string {
  return /^[UW][A-Z0-9]{2,30}$/.test(userId) ? `<@${userId}>` : escapeSlack(displayName);
}

export function progressBar(percent: number): string {
  const p = Math.max(0, Math.min(100, Math.round(percent)));
  const full = Math.round((p / 100) * BAR_CELLS);
  return `${'▓'.repeat(full)}${'░'.repeat(BAR_CELLS - full)}`;
}

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function statusLine(view: JobView, extras: JobExtras): string {
  const job = view.job;
  switch (job.state) {
    case 'waiting':
      return view.position !== undefined
        ? `:hourglass_flowing_sand: *Waiting* — number ${view.position} of ${view.queueLength} in line`
        : ':hourglass_flowing_sand: *Waiting* in line';
    case 'submitted':
      return ':outbox_tray: *Sent* to the video service, starting soon';
    case 'in_progress':
      return `:clapper: *Making the video* — ${Math.round(job.progress)}%`;
    case 'completed':
      return ':inbox_tray: *Finished* — uploading the video';
    case 'delivered':
      return ':white_check_mark: *Done*';
    case 'failed':
      return `:x: *Failed* — ${safeText(extras.error?.message ?? job.error?.message ?? 'the video could not be made.', 1500)}`;
    case 'cancelled':
      return extras.cancelledBy
        ? `:no_entry_sign: *Cancelled* by ${mentionUser(extras.cancelledBy.userId, extras.cancelledBy.displayName)}`
        : ':no_entry_sign: *Cancelled*';
    case 'expired':
      return ':hourglass: *Expired* — the result was no longer available. Try Re-roll.';
  }
}

function quotePrompt(prompt: string): string {
  return safeText(prompt, PROMPT_MAX)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

function paramsLine(job: Job): string {
  const parts = [`\`${escapeSlack(job.size)}\``, `${job.seconds} s`, escapeSlack(job.model)];
  if (job.kind === 'remix' && job.parentVideoId) parts.push(`remix of \`${escapeSlack(job.parentVideoId)}\``);
  if (job.rerollOf) parts.push('re-roll');
  if (job.image) parts.push('from an image');
  parts.push(`by ${mentionUser(job.requester.userId, job.requester.displayName)}`);
  if (job.simulated) parts.push(':test_tube: _simulated_ (built-in simulator, not a real video service)');
  return parts.join(' · ');
}

function progressLine(view: JobView): string | undefined {
  const job = view.job;
  if (!['waiting', 'submitted', 'in_progress'].includes(job.state)) return undefined;
  const parts = [`\`${progressBar(job.progress)}\` ${Math.round(job.progress)}%`];
  parts.push(`${formatElapsed(view.elapsedMs)} elapsed`);
  if (view.etaAt !== undefined) {
    const fallback = new Date(view.etaAt).toISOString().slice(11, 16);
    parts.push(`ready about ${slackDate(view.etaAt, '{time}', `${fallback} UTC`)}`);
  }
  return parts.join(' · ');
}

/** "remix of <link|“prompt”> ← …": the ancestors of the first entry, newest first. */
export function lineageLine(lineage: readonly LineageEntry[] | undefined): string | undefined {
  const ancestors = (lineage ?? []).slice(1);
  if (ancestors.length === 0) return undefined;
  const shown = ancestors.slice(0, 5).map((e) => {
    const label = e.prompt ? `“${truncate(e.prompt, 40)}”` : e.videoId;
    return e.link ? link(e.link, label) : `\`${escapeSlack(label)}\``;
  });
  if (ancestors.length > 5) shown.push(`… (${ancestors.length - 5} more)`);
  return `:dna: remix of ${shown.join(' ← ')}`;
}

/** Buttons on a finished video: Remix (value: video id) and Re-roll (value: job id). */
export function resultButtons(job: Job): KnownBlock {
  return {
    type: 'actions',
    block_id: 'reelbot_result',
    elements: [
      {
        type: 'button',
        action_id: ACTION_IDS.remix,
        text: { type: 'plain_text', text: 'Remix' },
        style: 'primary',
        value: job.videoId ?? '',
      },
      {
        type: 'button',
        action_id: ACTION_IDS.reroll,
        text: { type: 'plain_text', text: 'Re-roll' },
        value: job.id,
      },
    ],
  };
}

function cancelButton(job: Job): KnownBlock {
  return {
    type: 'actions',
    block_id: 'reelbot_running',
    elements: [
      {
        type: 'button',
        action_id: ACTION_IDS.cancel,
        text: { type: 'plain_text', text: 'Cancel' },
        style: 'danger',
        value: job.id,
      },
    ],
  };
}

const mrkdwn = (text: string, verbatim = true) =>
  ({ type: 'section', text: { type: 'mrkdwn', text, verbatim } }) as const;

/** The job message for any state. */
export function renderJobMessage(view: JobView, extras: JobExtras = {}): RenderedMessage {
  const job = view.job;
  const status = statusLine(view, extras);
  const blocks: KnownBlock[] = [mrkdwn(status), mrkdwn(quotePrompt(job.prompt))];
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: paramsLine(job), verbatim: true }] });
  const progress = progressLine(view);
  if (progress)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: progress, verbatim: true }] });
  if (extras.note) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: extras.note }] });
  const lineage = job.state === 'delivered' ? lineageLine(extras.lineage) : undefined;
  if (lineage) blocks.push(mrkdwn(lineage));
  if (job.videoId && job.state === 'delivered') {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `video id \`${escapeSlack(job.videoId)}\` · /remix ${escapeSlack(job.videoId)} ${escapeSlack('<change>')}`,
        },
      ],
    });
  }
  if (progress) blocks.push(cancelButton(job));
  if (job.state === 'delivered' && job.videoId) blocks.push(resultButtons(job));
  const plainStatus = status.replace(/:[a-z_]+: /, '').replace(/\*/g, '');
  return { text: `${plainStatus}: ${safeText(job.prompt, 150)}`, blocks };
}

/** The message that carries the uploaded MP4: prompt, lineage and the result buttons. */
export function renderResultMessage(job: Job, lineage: readonly LineageEntry[]): RenderedMessage {
  const head = `:movie_camera: *${safeText(truncate(job.prompt, 200), 600)}* — \`${escapeSlack(job.videoId ?? '')}\``;
  const blocks: KnownBlock[] = [mrkdwn(head)];
  const line = lineageLine(lineage);
  if (line) blocks.push(mrkdwn(line));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: paramsLine(job), verbatim: true }] });
  blocks.push(resultButtons(job));
  return { text: `Video: ${safeText(job.prompt, 150)}`, blocks };
}

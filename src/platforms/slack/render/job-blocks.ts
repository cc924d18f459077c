/**
 * A job message in Block Kit: the presentation (src/presentation) mapped onto blocks. The
 * status, the prompt (escaped, quoted), parameters and requester, a progress bar with elapsed
 * time and an ETA Slack shows in each reader's time zone, lineage once delivered, and the
 * buttons that apply. Pure: a `JobView` in, `{ text, blocks }` out.
 */
import type { types } from '@slack/bolt';
import type { Job, JobError } from '../../../engine/job.ts';
import type { JobView, LineageEntry } from '../../../engine/surface.ts';
import {
  type JobAction,
  type JobPresentation,
  type JobTone,
  presentJob,
} from '../../../presentation/job-presentation.ts';
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
  lineage?: readonly LineageEntry[];
  error?: JobError;
  cancelledBy?: { userId: string; displayName: string };
  /** A line under the status, e.g. where the video went or why it could not be uploaded (mrkdwn, already safe). */
  note?: string;
  /** Render as this state (the final edit after an upload runs before `delivered` is stored). */
  state?: Job['state'];
}

const PROMPT_MAX = 2500;
const EMOJI: Record<JobTone, string> = {
  running: ':clapper:',
  done: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
};

/** Only real Slack user ids become mentions; anything else is shown as escaped text. */
export function mentionUser(userId: string, displayName: string): string {
  return /^[UW][A-Z0-9]{2,30}$/.test(userId) ? `<@${userId}>` : escapeSlack(displayName);
}

/** A time Slack renders in each reader's own time zone. */
const readerTime = (ms: number) => slackDate(ms, '{time}', `${new Date(ms).toISOString().slice(11, 16)} UTC`);

function quotePrompt(prompt: string): string {
  return safeText(prompt, PROMPT_MAX)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

function paramsLine(job: Job, p: JobPresentation): string {
  const parts = [`\`${escapeSlack(p.params.size)}\``, `${p.params.seconds} s`, escapeSlack(p.params.model)];
  if (job.kind !== 'create' && job.parentVideoId)
    parts.push(`${p.lineageTitle} \`${escapeSlack(job.parentVideoId)}\``);
  if (job.rerollOf) parts.push(p.text('job.reroll'));
  if (job.image) parts.push(p.text('job.image'));
  if (p.variant) parts.push(p.variant);
  if (job.private) parts.push(`:lock: ${p.text('job.private')}`);
  parts.push(`${p.text('job.by')} ${mentionUser(job.requester.userId, job.requester.displayName)}`);
  if (job.simulated) parts.push(`:test_tube: _${p.text('job.simulated')}_`);
  return parts.join(' · ');
}

/** "remix of <link|“prompt”> ← …": the ancestors, newest first. */
function lineageLine(p: JobPresentation): string | undefined {
  if (p.lineage.length === 0) return undefined;
  const parts = p.lineage.map((l) =>
    l.deleted ? `~${escapeSlack(l.label)}~` : l.link ? link(l.link, l.label) : `\`${escapeSlack(l.label)}\``,
  );
  return `:dna: ${p.lineageLine(parts)}`;
}

function buttons(actions: JobAction[], blockId: string): KnownBlock | undefined {
  if (actions.length === 0) return undefined;
  return {
    type: 'actions',
    block_id: blockId,
    elements: actions.map((a) => ({
      type: 'button' as const,
      action_id: ACTION_IDS[a.kind],
      text: { type: 'plain_text' as const, text: a.label },
      value: a.kind === 'remix' || a.kind === 'extend' || a.kind === 'edit' ? a.videoId : a.jobId,
      ...(a.kind === 'remix'
        ? { style: 'primary' as const }
        : a.kind === 'cancel' || a.kind === 'delete'
          ? { style: 'danger' as const }
          : {}),
    })),
  };
}

const mrkdwn = (text: string, verbatim = true) =>
  ({ type: 'section', text: { type: 'mrkdwn', text, verbatim } }) as const;
const context = (text: string, verbatim = true): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text, verbatim }],
});

/** The job message for any state. */
export function renderJobMessage(view: JobView, extras: JobExtras = {}): RenderedMessage {
  const job = view.job;
  const p = presentJob(view, { ...extras, time: readerTime });
  const failure = p.failure !== undefined ? ` — ${safeText(p.failure, 1500)}` : '';
  const status = `${EMOJI[p.tone]} *${escapeSlack(p.title)}*${failure}`;
  const blocks: KnownBlock[] = [mrkdwn(status), mrkdwn(quotePrompt(job.prompt)), context(paramsLine(job, p))];
  if (p.timing !== undefined) {
    blocks.push(
      context([p.progressBar ? `\`${p.progressBar}\`` : undefined, p.timing].filter(Boolean).join(' · ')),
    );
  }
  if (extras.note) blocks.push(context(extras.note, false));
  const lineage = lineageLine(p);
  if (lineage) blocks.push(mrkdwn(lineage));
  if (p.tone === 'done' && p.videoId) {
    const id = escapeSlack(p.videoId);
    blocks.push(
      context(
        `${p.text('job.video')} \`${id}\` · ${escapeSlack(p.text('job.remixHint', { id: p.videoId }))}`,
      ),
    );
  }
  const actionBlock = buttons(p.actions, p.tone === 'running' ? 'reelbot_running' : 'reelbot_result');
  if (actionBlock) blocks.push(actionBlock);
  return { text: `${escapeSlack(p.title)}: ${safeText(job.prompt, 150)}`, blocks };
}

/** The message that carries the uploaded MP4: prompt, lineage and the result buttons. */
export function renderResultMessage(
  job: Job,
  lineage: readonly LineageEntry[],
  offers?: JobView['offers'],
): RenderedMessage {
  const view: JobView = { job, queueLength: 0, elapsedMs: 0, ...(offers ? { offers } : {}) };
  const p = presentJob(view, { lineage, state: 'delivered' });
  const head = `:movie_camera: *${safeText(truncate(job.prompt, 200), 600)}* — \`${escapeSlack(job.videoId ?? '')}\``;
  const blocks: KnownBlock[] = [mrkdwn(head)];
  const line = lineageLine(p);
  if (line) blocks.push(mrkdwn(line));
  blocks.push(context(paramsLine(job, p)));
  const actionBlock = buttons(p.actions, 'reelbot_result');
  if (actionBlock) blocks.push(actionBlock);
  return { text: `${p.text('job.resultTitle')}: ${safeText(job.prompt, 150)}`, blocks };
}

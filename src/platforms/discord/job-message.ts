/**
 * A job message on Discord, as plain REST bodies (pure functions, no client): the presentation
 * (src/presentation) mapped onto an embed and buttons. Every body carries
 * `allowed_mentions: { parse: [] }` so echoed prompts can never ping anyone.
 */
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIEmbedField,
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
} from 'discord.js';
import type { JobError } from '../../engine/job.ts';
import type { JobView, LineageEntry } from '../../engine/surface.ts';
import { formatBytes } from '../../presentation/format-bytes.ts';
import {
  type JobAction,
  type JobPresentation,
  type JobTone,
  type PresentOptions,
  presentJob,
} from '../../presentation/job-presentation.ts';
import { customIdOf, remixActionOf } from './custom-ids.ts';
import { type MessageKey, t } from './i18n.ts';

export interface MessageBody {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  allowed_mentions: { parse: [] };
}

const COLOR: Record<JobTone, number> = {
  running: 0x5865f2,
  done: 0x57f287,
  failed: 0xed4245,
  cancelled: 0x99aab5,
};
const EMOJI: Record<JobTone, string> = { running: '🎬', done: '✅', failed: '⚠️', cancelled: '⏹️' };
const STYLE: Record<JobAction['kind'], ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger> = {
  cancel: ButtonStyle.Danger,
  remix: ButtonStyle.Primary,
  reroll: ButtonStyle.Secondary,
  details: ButtonStyle.Secondary,
  delete: ButtonStyle.Danger,
  extend: ButtonStyle.Secondary,
  edit: ButtonStyle.Secondary,
};
/** Discord allows at most five buttons in one action row. */
const ROW_MAX = 5;
const PROMPT_MAX = 1500;

/**
 * Escape markdown and cut to `max` characters. Masked links, headings and lists are escaped too
 * (discord.js leaves them by default): a prompt like `[Verify your account](https://…)` would
 * otherwise show as a clickable link under the bot's name.
 */
export function safeText(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return escapeMarkdown(cut, { maskedLink: true, heading: true, bulletedList: true, numberedList: true });
}

/** Discord relative timestamp, rendered in each viewer's own time zone. */
export const relativeTime = (ms: number) => `<t:${Math.round(ms / 1000)}:R>`;

function components(actions: JobAction[]): APIActionRowComponent<APIButtonComponent>[] {
  const list: APIButtonComponent[] = [];
  for (const a of actions) {
    // A video id too long for a custom id travels as its job's id.
    const custom_id = customIdOf(
      a.kind === 'remix'
        ? remixActionOf({ id: a.jobId, videoId: a.videoId })
        : { kind: a.kind, jobId: a.jobId },
    );
    if (custom_id) list.push({ type: ComponentType.Button, style: STYLE[a.kind], label: a.label, custom_id });
  }
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let at = 0; at < list.length; at += ROW_MAX) {
    rows.push({ type: ComponentType.ActionRow, components: list.slice(at, at + ROW_MAX) });
  }
  return rows;
}

/** "[“prompt”](link) ← `video_…` …", within an embed field's 1024 characters. */
function lineageValue(p: JobPresentation): string {
  const parts = p.lineage.map((l) => {
    if (l.deleted) return `~~${safeText(l.label, 60)}~~`;
    const label = l.isPrompt ? safeText(l.label, 44).replace(/[[\]]/g, '') : `\`${l.label}\``;
    return l.link ? `[${label}](${l.link})` : label;
  });
  const line = p.chain(parts);
  return line.length > 1000 ? `${line.slice(0, 998)} …` : line;
}

function embedOf(view: JobView, p: JobPresentation): APIEmbed {
  const { job } = view;
  const fields: APIEmbedField[] = [
    {
      name: p.text('job.params'),
      value: `${escapeMarkdown(p.params.model)} · ${p.params.size} · ${p.params.seconds}s`,
      inline: true,
    },
    { name: p.text('job.by'), value: `<@${job.requester.userId}>`, inline: true },
  ];
  if (job.image) fields.push({ name: '\u200b', value: p.text('job.image') });
  if (p.variant) fields.push({ name: '\u200b', value: p.variant, inline: true });
  if (p.progressBar !== undefined || p.timing !== undefined) {
    const status = [p.progressBar, p.timing].filter(Boolean).join('\n');
    fields.push({ name: p.text('job.state'), value: status });
  }
  if (p.lineage.length > 0) fields.push({ name: p.lineageTitle, value: lineageValue(p) });
  else if (p.tone === 'done' && job.rerollOf)
    fields.push({ name: p.text('job.lineage'), value: p.text('job.rerollOf') });
  if (p.tone === 'done' && p.videoId)
    fields.push({ name: p.text('job.video'), value: `\`${p.videoId}\``, inline: true });
  if (p.failure !== undefined)
    fields.push({ name: p.text('job.whatToDo'), value: safeText(p.failure, 1000) || '—' });
  const footer = job.simulated ? `${p.text('job.simulated')} · ${job.id}` : job.id;
  const title = p.tone === 'cancelled' ? safeText(p.title, 200) : p.title;
  return {
    title: `${EMOJI[p.tone]} ${title}`,
    description: safeText(job.prompt, PROMPT_MAX),
    color: COLOR[p.tone],
    fields,
    footer: { text: footer.slice(0, 2048) },
  };
}

function body(view: JobView, o: PresentOptions, content = ''): MessageBody {
  const p = presentJob(view, { time: relativeTime, ...o });
  return {
    content,
    embeds: [embedOf(view, p)],
    components: components(p.actions),
    allowed_mentions: { parse: [] },
  };
}

/** The job message while it waits or runs (Cancel button). */
export function renderRunning(view: JobView): MessageBody {
  return body(view, {});
}

export interface DeliveredOptions {
  /** Newest → root, the first entry being this video. */
  lineage: LineageEntry[];
  /** Set when the file was too big to attach. */
  tooLarge?: { bytes: number; limit: number; link?: string };
}

/** The finished job: lineage, Remix and Re-roll. The MP4 (or thumbnail) is attached by the caller. */
export function renderDelivered(view: JobView, o: DeliveredOptions): MessageBody {
  const { job } = view;
  const locale = job.place.locale;
  let content = '';
  if (o.tooLarge) {
    const { bytes, limit, link } = o.tooLarge;
    const platform = t(locale, 'platform.discord');
    const why = t(locale, 'job.tooLarge', { size: formatBytes(bytes), limit: formatBytes(limit), platform });
    const how = link
      ? t(locale, 'job.tooLargeLink', { link })
      : t(locale, 'job.tooLargeNoLink', { id: job.videoId ?? job.id });
    content = `${why}\n${how}`;
  }
  return body(view, { lineage: o.lineage, state: 'delivered' }, content);
}

/** A failure in plain words, with what to do; Re-roll offered when it was not the prompt's fault. */
export function renderFailed(view: JobView, error: JobError): MessageBody {
  return body(view, { error, state: view.job.state === 'expired' ? 'expired' : 'failed' });
}

export function renderCancelled(view: JobView, by: { userId: string; displayName: string }): MessageBody {
  return body(view, { cancelledBy: by, state: 'cancelled' });
}

/** An ephemeral text reply body. */
export function plain(
  locale: string | undefined,
  key: MessageKey,
  vars: Record<string, string | number> = {},
) {
  return { content: t(locale, key, vars), allowed_mentions: { parse: [] as [] } };
}

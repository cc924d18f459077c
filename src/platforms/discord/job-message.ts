/**
 * What a job message looks like on Discord, as plain REST bodies (pure functions, no client):
 * prompt, parameters, requester, state with progress bar / elapsed / ETA, lineage, buttons.
 * Every body carries `allowed_mentions: { parse: [] }` so echoed prompts can never ping anyone.
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
import { type ComponentAction, customIdOf, remixActionOf } from './custom-ids.ts';
import { type MessageKey, t } from './i18n.ts';

export interface MessageBody {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  allowed_mentions: { parse: [] };
}

const COLOR = { running: 0x5865f2, done: 0x57f287, failed: 0xed4245, cancelled: 0x99aab5 } as const;
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

/** `▰▰▰▰▰▰▱▱▱▱ 60%` */
export function progressBar(percent: number, segments = 10): string {
  const p = Math.max(0, Math.min(100, Math.round(percent)));
  const full = Math.round((p / 100) * segments);
  return `${'▰'.repeat(full)}${'▱'.repeat(segments - full)} ${p}%`;
}

/** `1m 05s`, `42s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Discord relative timestamp, rendered in each viewer's own time zone. */
export const relativeTime = (ms: number) => `<t:${Math.round(ms / 1000)}:R>`;

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} B`;
}

function button(
  action: ComponentAction,
  label: string,
  style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger,
): APIButtonComponent | undefined {
  const custom_id = customIdOf(action);
  return custom_id ? { type: ComponentType.Button, style, label, custom_id } : undefined;
}

function row(buttons: (APIButtonComponent | undefined)[]): APIActionRowComponent<APIButtonComponent>[] {
  const list = buttons.filter((b): b is APIButtonComponent => b !== undefined);
  return list.length > 0 ? [{ type: ComponentType.ActionRow, components: list }] : [];
}

function baseEmbed(view: JobView, locale: string | undefined, title: string, color: number): APIEmbed {
  const { job } = view;
  const fields: APIEmbedField[] = [
    {
      name: t(locale, 'job.params'),
      value: `${escapeMarkdown(job.model)} · ${job.size} · ${job.seconds}s`,
      inline: true,
    },
    { name: t(locale, 'job.by'), value: `<@${job.requester.userId}>`, inline: true },
  ];
  if (job.image) fields.push({ name: '\u200b', value: t(locale, 'job.image') });
  const footer = job.simulated ? `${t(locale, 'job.simulated')} · ${job.id}` : job.id;
  return {
    title,
    description: safeText(job.prompt, PROMPT_MAX),
    color,
    fields,
    footer: { text: footer.slice(0, 2048) },
  };
}

function stateLine(view: JobView, locale: string | undefined): { title: string; status: string } {
  const { job } = view;
  const elapsed = t(locale, 'job.elapsed', { time: formatDuration(view.elapsedMs) });
  const eta = view.etaAt ? ` · ${t(locale, 'job.eta', { eta: relativeTime(view.etaAt) })}` : '';
  switch (job.state) {
    case 'waiting':
      return {
        title: t(locale, 'job.waiting', {
          position: view.position ?? 1,
          total: Math.max(view.queueLength, 1),
        }),
        status: `${elapsed}${eta}`,
      };
    case 'in_progress':
      return {
        title: t(locale, 'job.in_progress', { progress: Math.round(job.progress) }),
        status: `${progressBar(job.progress)}\n${elapsed}${eta}`,
      };
    case 'completed':
      return { title: t(locale, 'job.completed'), status: `${progressBar(100)}\n${elapsed}` };
    default:
      return { title: t(locale, 'job.submitted'), status: `${progressBar(job.progress)}\n${elapsed}${eta}` };
  }
}

/** The job message while it waits or runs (Cancel button). */
export function renderRunning(view: JobView): MessageBody {
  const locale = view.job.place.locale;
  const { title, status } = stateLine(view, locale);
  const embed = baseEmbed(view, locale, `🎬 ${title}`, COLOR.running);
  embed.fields?.push({ name: t(locale, 'job.state'), value: status });
  return {
    content: '',
    embeds: [embed],
    components: row([
      button({ kind: 'cancel', jobId: view.job.id }, t(locale, 'btn.cancel'), ButtonStyle.Danger),
    ]),
    allowed_mentions: { parse: [] },
  };
}

/** "remix of [prompt](link) ← [prompt](link) …", within an embed field's 1024 characters. */
export function lineageLine(parents: LineageEntry[]): string {
  const parts = parents.map((p) => {
    const label = p.prompt ? `“${safeText(p.prompt, 40).replace(/[[\]]/g, '')}”` : `\`${p.videoId}\``;
    return p.link ? `[${label}](${p.link})` : label;
  });
  let out = '';
  for (const part of parts) {
    const next = out === '' ? part : `${out} ← ${part}`;
    if (next.length > 1000) return `${out} ← …`;
    out = next;
  }
  return out;
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
  const embed = baseEmbed(view, locale, `✅ ${t(locale, 'job.delivered')}`, COLOR.done);
  const parents = o.lineage.slice(1);
  if (parents.length > 0) {
    embed.fields?.push({ name: t(locale, 'job.remixOf'), value: lineageLine(parents) });
  } else if (job.rerollOf) {
    embed.fields?.push({ name: t(locale, 'job.lineage'), value: t(locale, 'job.rerollOf') });
  }
  if (job.videoId)
    embed.fields?.push({ name: t(locale, 'job.video'), value: `\`${job.videoId}\``, inline: true });
  let content = '';
  if (o.tooLarge) {
    const { bytes, limit, link } = o.tooLarge;
    const why = t(locale, 'job.tooLarge', { size: formatBytes(bytes), limit: formatBytes(limit) });
    const how = link
      ? t(locale, 'job.tooLargeLink', { link })
      : t(locale, 'job.tooLargeNoLink', { id: job.videoId ?? job.id });
    content = `${why}\n${how}`;
  }
  const buttons = job.videoId
    ? [
        button(
          remixActionOf({ id: job.id, videoId: job.videoId }),
          t(locale, 'btn.remix'),
          ButtonStyle.Primary,
        ),
        button({ kind: 'reroll', jobId: job.id }, t(locale, 'btn.reroll'), ButtonStyle.Secondary),
      ]
    : [button({ kind: 'reroll', jobId: job.id }, t(locale, 'btn.reroll'), ButtonStyle.Secondary)];
  return { content, embeds: [embed], components: row(buttons), allowed_mentions: { parse: [] } };
}

/** A failure in plain words, with what to do; Re-roll offered when it was not the prompt's fault. */
export function renderFailed(view: JobView, error: JobError): MessageBody {
  const locale = view.job.place.locale;
  const embed = baseEmbed(view, locale, `⚠️ ${t(locale, 'job.failed')}`, COLOR.failed);
  embed.fields?.push({ name: t(locale, 'job.whatToDo'), value: safeText(error.message, 1000) || '—' });
  const buttons = error.userFault
    ? []
    : [button({ kind: 'reroll', jobId: view.job.id }, t(locale, 'btn.reroll'), ButtonStyle.Secondary)];
  return { content: '', embeds: [embed], components: row(buttons), allowed_mentions: { parse: [] } };
}

export function renderCancelled(view: JobView, by: { displayName: string }): MessageBody {
  const locale = view.job.place.locale;
  const title = `⏹️ ${t(locale, 'job.cancelled', { name: safeText(by.displayName, 80) })}`;
  return {
    content: '',
    embeds: [baseEmbed(view, locale, title, COLOR.cancelled)],
    components: [],
    allowed_mentions: { parse: [] },
  };
}

/** An ephemeral text reply body. */
export function plain(
  locale: string | undefined,
  key: MessageKey,
  vars: Record<string, string | number> = {},
) {
  return { content: t(locale, key, vars), allowed_mentions: { parse: [] as [] } };
}

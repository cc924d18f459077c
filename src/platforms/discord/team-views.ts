/**
 * Discord bodies for the team controls (pure): the Details embed and the `/history` page, from
 * the shared presentation. Every body echoes user text escaped and pings nobody.
 */
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
} from 'discord.js';
import type { HistoryPresentation } from '../../presentation/history-presentation.ts';
import type { JobDetailsView } from '../../presentation/job-details.ts';
import { customIdOf } from './custom-ids.ts';
import { safeText } from './job-message.ts';

/** A timestamp each reader sees in their own time zone (date and time). */
export const fullTime = (ms: number) => `<t:${Math.round(ms / 1000)}:f>`;

/** Inside a code block only a run of backticks can break out: it is broken up. */
const inCode = (text: string) => text.replace(/`/g, 'ˋ');

export function detailsEmbed(d: JobDetailsView): APIEmbed {
  return {
    title: d.title,
    color: 0x5865f2,
    description: `**${d.prompt.label}**\n${escapeMarkdown(d.prompt.value.slice(0, 3800))}`,
    fields: [
      ...d.rows.map((r) => ({
        name: r.label || '\u200b',
        value: (r.code ? `\`${inCode(r.value)}\`` : safeText(r.value, 1000)) || '—',
        inline: r.label !== '',
      })),
      { name: d.command.label, value: `\`\`\`\n${inCode(d.command.value).slice(0, 1000)}\n\`\`\`` },
    ],
  };
}

export function historyBody(h: HistoryPresentation): {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
} {
  const lines = h.items.map((it) => {
    const label = `“${safeText(it.prompt, 80).replace(/[[\]]/g, '')}”`;
    const shown = it.link ? `[${label}](${it.link})` : label;
    return `• ${shown} — ${escapeMarkdown(it.state)} · ${it.age}${it.by ? ` · ${escapeMarkdown(it.by)}` : ''}`;
  });
  const embed: APIEmbed = {
    title: h.title,
    color: 0x5865f2,
    description: (lines.join('\n') || h.empty).slice(0, 4000),
    footer: { text: h.pageLabel },
  };
  const buttons: APIButtonComponent[] = [];
  for (const nav of h.nav) {
    const custom_id = customIdOf({ kind: 'history', scope: h.scope, page: nav.page });
    if (custom_id)
      buttons.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, label: nav.label, custom_id });
  }
  return {
    embeds: [embed],
    components: buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [],
  };
}

/**
 * Slack mrkdwn for the team controls (pure): the Details answer and the `/history` page, from
 * the shared presentation. User text is escaped.
 */
import type { types } from '@slack/bolt';
import type { HistoryPresentation } from '../../../presentation/history-presentation.ts';
import type { JobDetailsView } from '../../../presentation/job-details.ts';
import { ACTION_IDS } from '../action-ids.ts';
import { escapeSlack, link, safeText, slackDate } from './slack-text.ts';

/** A date and time each reader sees in their own time zone. */
export const readerDateTime = (ms: number) =>
  slackDate(ms, '{date_short_pretty} {time}', new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'));

/** Backticks would end the code span: they are swapped for a look-alike. */
const inCode = (text: string) => escapeSlack(text).replace(/`/g, 'ˋ');

export function detailsText(d: JobDetailsView): string {
  const rows = d.rows.map((r) => {
    const value = r.code ? `\`${inCode(r.value)}\`` : escapeSlack(r.value);
    return r.label ? `• ${escapeSlack(r.label)}: ${value}` : `• ${value}`;
  });
  return [
    `*${escapeSlack(d.title)}*`,
    `*${escapeSlack(d.prompt.label)}*`,
    safeText(d.prompt.value, 3000)
      .split('\n')
      .map((l) => `>${l}`)
      .join('\n'),
    ...rows,
    `*${escapeSlack(d.command.label)}*`,
    `\`\`\`${inCode(d.command.value)}\`\`\``,
  ].join('\n');
}

export function historyMessage(h: HistoryPresentation): { text: string; blocks: types.KnownBlock[] } {
  const lines = h.items.map((it) => {
    const label = `“${it.prompt.length > 80 ? `${it.prompt.slice(0, 79)}…` : it.prompt}”`;
    const shown = it.link ? link(it.link, label) : escapeSlack(label);
    return `• ${shown} — ${escapeSlack(it.state)} · ${escapeSlack(it.age)}${it.by ? ` · ${escapeSlack(it.by)}` : ''}`;
  });
  const body = lines.join('\n') || escapeSlack(h.empty);
  const text = `*${escapeSlack(h.title)}*\n${body}\n_${escapeSlack(h.pageLabel)}_`;
  const blocks: types.KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000), verbatim: true } },
  ];
  if (h.nav.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: 'reelbot_history',
      elements: h.nav.map((n) => ({
        type: 'button' as const,
        action_id: `${ACTION_IDS.historyPage}_${n.dir}`,
        text: { type: 'plain_text' as const, text: n.label },
        value: `${h.scope}.${n.page}`,
      })),
    });
  }
  return { text: `${escapeSlack(h.title)} — ${escapeSlack(h.pageLabel)}`, blocks };
}

/** `/quota`: the caller's usage, limits, reset time and running jobs today, only they see it. */
import type { QuotaUsage } from '../../../engine/engine-api.ts';
import { presentQuota } from '../../../presentation/quota-presentation.ts';
import { escapeSlack, link, safeText, slackDate } from '../render/slack-text.ts';
import type { SlackCommand } from '../slack-handler-types.ts';
import { commandTell, tellUser } from '../tell-user.ts';

const when = (ms: number) =>
  slackDate(ms, '{date_short_pretty} at {time}', new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'));

/** The quota message (mrkdwn): the same content as Discord's `/quota`. */
export function renderQuota(u: QuotaUsage, locale: string | undefined): string {
  const q = presentQuota(u, locale, 'slack', when);
  const jobs = q.activeJobs.map((j) => {
    const label = `“${safeText(j.prompt, 60)}” · ${escapeSlack(j.status)}`;
    return `  ◦ ${j.link ? link(j.link, `“${j.prompt.slice(0, 60)}” · ${j.status}`) : label}`;
  });
  return [
    `*${q.title}*`,
    ...q.rows.map((r) => `• ${r.label}: ${r.value}`),
    `• ${q.activeLabel}`,
    ...(jobs.length > 0 ? jobs : [`  ◦ ${q.noActive}`]),
    q.resets,
    ...(q.exempt ? [q.exempt] : []),
  ].join('\n');
}

export default {
  name: '/quota',
  description: 'Show your video quota (only you see it)',
  usageHint: '',
  async execute(args, deps) {
    const { command } = args;
    await args.ack();
    const actor = await deps.actors.actor(command.user_id, command.user_name);
    const usage = await deps.engine.usage(actor, command.team_id);
    await tellUser(commandTell(args, deps.logger, actor.locale), renderQuota(usage, actor.locale));
  },
} satisfies SlackCommand;

/** `/quota`: the caller's usage and limits today, only they see it. */
import type { QuotaUsage, UsageFigure } from '../../../engine/engine-api.ts';
import { slackDate } from '../render/slack-text.ts';
import type { SlackCommand } from '../slack-handler-types.ts';
import { tellUser } from '../tell-user.ts';

function figure(f: UsageFigure): string {
  return f.limit === null ? `${f.used} (no limit)` : `${f.used} of ${f.limit}`;
}

/** The quota message (mrkdwn). */
export function renderQuota(u: QuotaUsage): string {
  const lines = [
    `*Your video quota today* (${u.day}, ${u.timeZone})${u.exempt ? ' — you are exempt as an admin' : ''}`,
    `• Videos: ${figure(u.videos)}`,
    `• Video seconds: ${figure(u.seconds)}`,
    `• Running now: ${figure(u.active)}`,
    `• Whole workspace today: ${figure(u.workspace)}`,
    `Resets ${slackDate(u.resetsAt, '{date_short_pretty} at {time}', new Date(u.resetsAt).toISOString())}.`,
  ];
  return lines.join('\n');
}

export default {
  name: '/quota',
  description: 'Show your video quota (only you see it)',
  usageHint: '',
  async execute({ command, ack, respond, client }, deps) {
    await ack();
    const actor = await deps.actors.actor(command.user_id, command.user_name);
    const usage = await deps.engine.usage(actor, command.team_id);
    await tellUser(
      { client, logger: deps.logger, channel: command.channel_id, user: command.user_id, respond },
      renderQuota(usage),
    );
  },
} satisfies SlackCommand;

/** `/gallery`: a private, signed, expiring link to this workspace's team gallery. */
import { link, slackDate } from '../render/slack-text.ts';
import type { SlackCommand } from '../slack-handler-types.ts';
import { commandTell, tellText } from '../tell-user.ts';

export default {
  name: '/gallery',
  description: "Open the team gallery of this workspace's videos (a private link)",
  usageHint: '',
  async execute(args, deps) {
    const { command } = args;
    await args.ack();
    const actor = await deps.actors.actor(command.user_id, command.user_name);
    const tell = commandTell(args, deps.logger, actor.locale);
    if (!deps.gallery) {
      await tellText(tell, 'gallery.off');
      return;
    }
    const made = deps.gallery.linkFor({
      platform: 'slack',
      workspaceId: command.team_id,
      ...(actor.locale ? { locale: actor.locale } : {}),
    });
    const iso = new Date(made.expiresAt).toISOString().replace(/\.\d+Z$/, 'Z');
    const time = slackDate(made.expiresAt, '{date_short_pretty} {time}', iso);
    await tellText(tell, 'gallery.link', { time, url: link(made.url, made.url) });
  },
} satisfies SlackCommand;

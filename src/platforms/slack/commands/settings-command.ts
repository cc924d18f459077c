/**
 * `/settings`: the same as Discord's — what a `/video` here would use and where each value
 * comes from, defaults for the workspace or a channel (admins) or yourself, and the blocklist.
 */
import { runSettingsAction } from '../../settings-actions.ts';
import { escapeSlack } from '../render/slack-text.ts';
import type { SlackCommand } from '../slack-handler-types.ts';
import { commandTell, tellText, tellUser } from '../tell-user.ts';
import { parseSettingsText } from './parse-settings-text.ts';

export default {
  name: '/settings',
  description: 'Video defaults here and for yourself (only you see it)',
  usageHint: 'mine size=720x1280 private=on | workspace seconds=8 | channel variants=2 | blocklist add word',
  async execute(args, deps) {
    const { command } = args;
    await args.ack();
    const actor = await deps.actors.actor(command.user_id, command.user_name);
    const tell = commandTell(args, deps.logger, actor.locale);
    const action = parseSettingsText(command.text, {
      userId: command.user_id,
      channelId: command.channel_id,
    });
    if (!action) return tellText(tell, 'settings.usage');
    const answer = await runSettingsAction(
      {
        engine: deps.engine,
        actor,
        workspaceId: command.team_id,
        channelId: command.channel_id,
        locale: actor.locale,
        mentionChannel: (id) => `<#${id}>`,
        escape: escapeSlack,
      },
      action,
    );
    await tellUser(tell, answer);
  },
} satisfies SlackCommand;

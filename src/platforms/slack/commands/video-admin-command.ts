/**
 * `/video-admin`: the same admin actions as Discord's `/video-admin` (per-user limits, reset,
 * workspace cap, allowed channels), for workspace admins and owners and `ADMIN_USERS`.
 */
import { runAdminAction } from '../../admin-actions.ts';
import type { SlackCommand } from '../slack-handler-types.ts';
import { commandTell, tellText, tellUser } from '../tell-user.ts';
import { parseAdminText } from './parse-admin-text.ts';

export default {
  name: '/video-admin',
  description: 'Video quotas and channels (workspace admins)',
  usageHint: 'set-quota @user videos=5 | reset-quota @user | workspace-cap 50 | channels add #videos',
  async execute(args, deps) {
    const { command } = args;
    await args.ack();
    const actor = await deps.actors.actor(command.user_id, command.user_name);
    const tell = commandTell(args, deps.logger, actor.locale);
    if (!actor.isAdmin) return tellText(tell, 'reply.notAdmin');
    const action = parseAdminText(command.text);
    if (!action) return tellText(tell, 'admin.usage');
    const answer = await runAdminAction(
      {
        engine: deps.engine,
        platform: 'slack',
        workspaceId: command.team_id,
        locale: actor.locale,
        mentionUser: (id) => `<@${id}>`,
        mentionChannel: (id) => `<#${id}>`,
      },
      action,
    );
    await tellUser(tell, answer);
  },
} satisfies SlackCommand;

/** `/video-admin`: per-member limits, server cap and allowed channels (Manage Server by default). */
import {
  ApplicationCommandType,
  ChannelType,
  type ChatInputCommandInteraction,
  InteractionContextType,
  ApplicationCommandOptionType as Opt,
  PermissionFlagsBits,
} from 'discord.js';
import { type AdminAction, runAdminAction } from '../../admin-actions.ts';
import { actorOf } from '../actor.ts';
import type { Command, DiscordContext } from '../command.ts';
import { described, named, t } from '../i18n.ts';
import { deferNow, replyPrivately } from '../interaction-replies.ts';

const user = {
  type: Opt.User as const,
  ...named('user', '成员'),
  ...described('cmd.admin.user'),
  required: true,
};
const count = (name: string, zh: string, key: Parameters<typeof described>[0]) => ({
  type: Opt.Integer as const,
  ...named(name, zh),
  ...described(key),
  min_value: 0,
  max_value: 1_000_000,
});
const channel = {
  type: Opt.Channel as const,
  ...named('channel', '频道'),
  ...described('cmd.admin.channel'),
  required: true,
  channel_types: [ChannelType.GuildText, ChannelType.PublicThread, ChannelType.GuildAnnouncement] as (
    | ChannelType.GuildText
    | ChannelType.PublicThread
    | ChannelType.GuildAnnouncement
  )[],
};

/** The subcommand as an {@link AdminAction}. */
function actionOf(i: ChatInputCommandInteraction): AdminAction {
  const group = i.options.getSubcommandGroup(false);
  const sub = i.options.getSubcommand(true);
  if (group === 'channels') {
    if (sub === 'add' || sub === 'remove') {
      return { kind: 'channels', op: sub, channelId: i.options.getChannel('channel', true).id };
    }
    return { kind: 'channels', op: sub === 'clear' ? 'clear' : 'list' };
  }
  if (sub === 'set-quota') {
    return {
      kind: 'set-quota',
      userId: i.options.getUser('user', true).id,
      videos: i.options.getInteger('videos'),
      seconds: i.options.getInteger('seconds'),
      active: i.options.getInteger('active'),
    };
  }
  if (sub === 'reset-quota') return { kind: 'reset-quota', userId: i.options.getUser('user', true).id };
  return { kind: 'workspace-cap', cap: i.options.getInteger('videos') };
}

function run(i: ChatInputCommandInteraction, ctx: DiscordContext): Promise<string> {
  return runAdminAction(
    {
      engine: ctx.engine,
      platform: 'discord',
      workspaceId: i.guildId ?? '',
      locale: i.locale,
      mentionUser: (id) => `<@${id}>`,
      mentionChannel: (id) => `<#${id}>`,
    },
    actionOf(i),
  );
}

export default {
  data: () => ({
    ...named('video-admin', '视频管理'),
    ...described('cmd.admin'),
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
    options: [
      {
        type: Opt.Subcommand,
        ...named('set-quota', '设置配额'),
        ...described('cmd.admin.set-quota'),
        options: [
          user,
          count('videos', '视频数', 'cmd.admin.videos'),
          count('seconds', '秒数', 'cmd.admin.secondsLimit'),
          { ...count('active', '同时', 'cmd.admin.active'), min_value: 1 },
        ],
      },
      {
        type: Opt.Subcommand,
        ...named('reset-quota', '重置配额'),
        ...described('cmd.admin.reset-quota'),
        options: [user],
      },
      {
        type: Opt.Subcommand,
        ...named('server-cap', '服务器上限'),
        ...described('cmd.admin.server-cap'),
        options: [count('videos', '视频数', 'cmd.admin.cap')],
      },
      {
        type: Opt.SubcommandGroup,
        ...named('channels', '频道'),
        ...described('cmd.admin.channels'),
        options: [
          {
            type: Opt.Subcommand,
            ...named('add', '添加'),
            ...described('cmd.admin.channels.add'),
            options: [channel],
          },
          {
            type: Opt.Subcommand,
            ...named('remove', '移除'),
            ...described('cmd.admin.channels.remove'),
            options: [channel],
          },
          { type: Opt.Subcommand, ...named('list', '列出'), ...described('cmd.admin.channels.list') },
          { type: Opt.Subcommand, ...named('clear', '清除'), ...described('cmd.admin.channels.clear') },
        ],
      },
    ],
  }),

  async execute(i, ctx) {
    if (!(await deferNow(i, true, ctx.logger))) return;
    // default_member_permissions can be overridden per server; check again here.
    if (!actorOf(i, ctx.config).isAdmin) return replyPrivately(i, t(i.locale, 'reply.notAdmin'), ctx.logger);
    try {
      await i.editReply({ content: await run(i, ctx), allowedMentions: { parse: [] } });
    } catch (err) {
      ctx.logger.error('admin command failed', { err });
      await replyPrivately(i, t(i.locale, 'reply.failed'), ctx.logger);
    }
  },
} satisfies Command;

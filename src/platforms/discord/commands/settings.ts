/**
 * `/settings`: show what a `/video` here would use and where each value comes from; set server
 * or channel defaults (admins) or your own (for what admins leave open); the prompt blocklist.
 */
import {
  ApplicationCommandType,
  ChannelType,
  type ChatInputCommandInteraction,
  escapeMarkdown,
  InteractionContextType,
  ApplicationCommandOptionType as Opt,
} from 'discord.js';
import type { EngineApi } from '../../../engine/engine-api.ts';
import type { DefaultField } from '../../../engine/video-defaults.ts';
import { type RawValue, runSettingsAction, type SettingsAction } from '../../settings-actions.ts';
import { actorOf } from '../actor.ts';
import type { Command } from '../command.ts';
import { described, named, t } from '../i18n.ts';
import { deferNow, replyPrivately } from '../interaction-replies.ts';

const choicesOf = <T extends string | number>(values: readonly T[]) =>
  values.slice(0, 25).map((v) => ({ name: String(v), value: v }));

function valueOptions(choices: EngineApi['choices'], admin: boolean) {
  return [
    {
      type: Opt.String as const,
      ...named('model', '模型'),
      ...described('cmd.settings.model'),
      choices: choicesOf(choices.models),
    },
    {
      type: Opt.String as const,
      ...named('size', '尺寸'),
      ...described('cmd.settings.size'),
      choices: choicesOf(choices.sizes),
    },
    {
      type: Opt.Integer as const,
      ...named('seconds', '秒数'),
      ...described('cmd.settings.seconds'),
      choices: choicesOf(choices.seconds),
    },
    {
      type: Opt.Integer as const,
      ...named('variants', '变体数'),
      ...described('cmd.settings.variants'),
      min_value: 1,
      max_value: 4,
    },
    { type: Opt.Boolean as const, ...named('private', '私密'), ...described('cmd.settings.private') },
    ...(admin
      ? [
          {
            type: Opt.Boolean as const,
            ...named('image-to-video', '图片生成视频'),
            ...described('cmd.settings.image'),
          },
        ]
      : []),
    { type: Opt.Boolean as const, ...named('clear', '清除'), ...described('cmd.settings.clear') },
  ];
}

const term = {
  type: Opt.String as const,
  ...named('term', '词语'),
  ...described('cmd.settings.term'),
  required: true,
  max_length: 200,
};

/** The subcommand as a {@link SettingsAction}. */
function actionOf(i: ChatInputCommandInteraction): SettingsAction {
  const group = i.options.getSubcommandGroup(false);
  const sub = i.options.getSubcommand(true);
  if (group === 'blocklist') {
    if (sub === 'list') return { kind: 'blocklist', op: 'list' };
    return {
      kind: 'blocklist',
      op: sub === 'remove' ? 'remove' : 'add',
      term: i.options.getString('term', true),
    };
  }
  if (sub === 'show') return { kind: 'show' };
  const values: Partial<Record<DefaultField, RawValue>> = {};
  const str = (name: string, field: DefaultField) => {
    const v = i.options.getString(name);
    if (v !== null) values[field] = v;
  };
  const int = (name: string, field: DefaultField) => {
    const v = i.options.getInteger(name);
    if (v !== null) values[field] = v;
  };
  const bool = (name: string, field: DefaultField) => {
    const v = i.options.getBoolean(name);
    if (v !== null) values[field] = v;
  };
  str('model', 'model');
  str('size', 'size');
  int('seconds', 'seconds');
  int('variants', 'variants');
  bool('private', 'private');
  if (sub !== 'mine') bool('image-to-video', 'imageToVideo');
  const clear = i.options.getBoolean('clear') ?? false;
  const scope =
    sub === 'mine'
      ? { kind: 'user' as const, userId: i.user.id }
      : sub === 'channel'
        ? { kind: 'channel' as const, channelId: String(i.options.get('channel', true).value) }
        : { kind: 'workspace' as const };
  return { kind: 'set', scope, values, clear };
}

export default {
  data: (choices) => ({
    ...named('settings', '设置'),
    ...described('cmd.settings'),
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    options: [
      { type: Opt.Subcommand, ...named('show', '查看'), ...described('cmd.settings.show') },
      {
        type: Opt.Subcommand,
        ...named('server', '服务器'),
        ...described('cmd.settings.server'),
        options: valueOptions(choices, true),
      },
      {
        type: Opt.Subcommand,
        ...named('channel', '频道'),
        ...described('cmd.settings.channel'),
        options: [
          {
            type: Opt.Channel as const,
            ...named('channel', '频道'),
            ...described('cmd.settings.channelOption'),
            required: true,
            channel_types: [
              ChannelType.GuildText,
              ChannelType.PublicThread,
              ChannelType.GuildAnnouncement,
            ] as (ChannelType.GuildText | ChannelType.PublicThread | ChannelType.GuildAnnouncement)[],
          },
          ...valueOptions(choices, true),
        ],
      },
      {
        type: Opt.Subcommand,
        ...named('mine', '我的'),
        ...described('cmd.settings.mine'),
        options: valueOptions(choices, false),
      },
      {
        type: Opt.SubcommandGroup,
        ...named('blocklist', '屏蔽词'),
        ...described('cmd.settings.blocklist'),
        options: [
          {
            type: Opt.Subcommand,
            ...named('add', '添加'),
            ...described('cmd.settings.blocklist.add'),
            options: [term],
          },
          {
            type: Opt.Subcommand,
            ...named('remove', '移除'),
            ...described('cmd.settings.blocklist.remove'),
            options: [term],
          },
          { type: Opt.Subcommand, ...named('list', '列出'), ...described('cmd.settings.blocklist.list') },
        ],
      },
    ],
  }),

  async execute(i, ctx) {
    if (!(await deferNow(i, true, ctx.logger))) return;
    try {
      const answer = await runSettingsAction(
        {
          engine: ctx.engine,
          actor: actorOf(i, ctx.config),
          workspaceId: i.guildId ?? '',
          channelId: i.channelId,
          locale: i.locale,
          mentionChannel: (id) => `<#${id}>`,
          escape: (text) => escapeMarkdown(text),
        },
        actionOf(i),
      );
      await i.editReply({ content: answer.slice(0, 2000), allowedMentions: { parse: [] } });
    } catch (err) {
      ctx.logger.error('settings command failed', { err });
      await replyPrivately(i, t(i.locale, 'reply.failed'), ctx.logger);
    }
  },
} satisfies Command;

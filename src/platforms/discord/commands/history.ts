/** `/history [scope]`: recent videos, yours or the whole server's, newest first, paged with buttons. */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  type RepliableInteraction,
} from 'discord.js';
import { CATALOGUES } from '../../../presentation/catalogue/catalogue.ts';
import { HISTORY_PAGE_SIZE, presentHistory } from '../../../presentation/history-presentation.ts';
import type { Command, DiscordContext } from '../command.ts';
import { described, named, t } from '../i18n.ts';
import { deferNow, replyPrivately } from '../interaction-replies.ts';
import { historyBody } from '../team-views.ts';

/** The page as an interaction reply body. */
export async function historyReply(
  i: RepliableInteraction,
  ctx: DiscordContext,
  scope: 'mine' | 'all',
  page: number,
) {
  const filter = {
    platform: 'discord' as const,
    workspaceId: i.guildId ?? '',
    ...(scope === 'mine' ? { userId: i.user.id } : {}),
  };
  const found = await ctx.engine.history(filter, page, HISTORY_PAGE_SIZE);
  const shown = presentHistory(found, { scope, locale: i.locale, platform: 'discord', nowMs: Date.now() });
  return { ...historyBody(shown), allowedMentions: { parse: [] } };
}

const choice = (value: 'mine' | 'all', key: 'cmd.history.mine' | 'cmd.history.all') => ({
  name: CATALOGUES.en[key],
  name_localizations: { 'zh-CN': CATALOGUES['zh-CN'][key] },
  value,
});

export default {
  data: () => ({
    ...named('history', '历史'),
    ...described('cmd.history'),
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        ...named('scope', '范围'),
        ...described('cmd.history.scope'),
        choices: [choice('mine', 'cmd.history.mine'), choice('all', 'cmd.history.all')],
      },
    ],
  }),

  async execute(i, ctx) {
    if (!(await deferNow(i, true, ctx.logger))) return;
    const scope = i.options.getString('scope') === 'all' ? 'all' : 'mine';
    try {
      await i.editReply(await historyReply(i, ctx, scope, 0));
    } catch (err) {
      ctx.logger.error('history lookup failed', { err });
      await replyPrivately(i, t(i.locale, 'reply.failed'), ctx.logger);
    }
  },
} satisfies Command;

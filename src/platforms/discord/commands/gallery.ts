/** `/gallery`: a private, signed, expiring link to this server's team gallery. */
import { ApplicationCommandType, InteractionContextType } from 'discord.js';
import type { Command } from '../command.ts';
import { described, named, t } from '../i18n.ts';
import { replyPrivately } from '../interaction-replies.ts';

export default {
  data: () => ({
    ...named('gallery', '视频库'),
    ...described('cmd.gallery'),
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
  }),

  async execute(i, ctx) {
    const locale = i.locale;
    if (!ctx.gallery || !i.guildId) {
      await replyPrivately(i, t(locale, 'gallery.off'), ctx.logger);
      return;
    }
    const link = ctx.gallery.linkFor({ platform: 'discord', workspaceId: i.guildId, locale });
    // Discord shows the expiry in each reader's own time zone.
    const time = `<t:${Math.floor(link.expiresAt / 1000)}:f>`;
    await replyPrivately(i, t(locale, 'gallery.link', { time, url: link.url }), ctx.logger);
  },
} satisfies Command;

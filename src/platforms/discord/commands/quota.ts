/** `/quota`: the caller's usage, limits, reset time and active jobs (only they see it). */
import { type APIEmbed, ApplicationCommandType, InteractionContextType } from 'discord.js';
import { presentQuota } from '../../../presentation/quota-presentation.ts';
import { actorOf } from '../actor.ts';
import type { Command } from '../command.ts';
import { described, named, t } from '../i18n.ts';
import { deferNow, replyPrivately } from '../interaction-replies.ts';
import { relativeTime, safeText } from '../job-message.ts';

export default {
  data: () => ({
    ...named('quota', '配额'),
    ...described('cmd.quota'),
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
  }),

  async execute(i, ctx) {
    if (!(await deferNow(i, true, ctx.logger))) return;
    const locale = i.locale;
    try {
      const usage = await ctx.engine.usage(actorOf(i, ctx.config), i.guildId ?? '');
      const q = presentQuota(usage, locale, 'discord', relativeTime);
      const jobs = q.activeJobs.map((j) => {
        const label = `“${safeText(j.prompt, 60)}” · ${j.status}`;
        return j.link ? `[${label}](${j.link})` : label;
      });
      const embed: APIEmbed = {
        title: q.title,
        color: 0x5865f2,
        fields: [
          ...q.rows.map((r) => ({ name: r.label, value: r.value, inline: true })),
          { name: q.activeLabel, value: (jobs.join('\n') || q.noActive).slice(0, 1024) },
        ],
        description: [q.resets, q.exempt ?? ''].filter(Boolean).join('\n'),
      };
      await i.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
    } catch (err) {
      ctx.logger.error('quota lookup failed', { err });
      await replyPrivately(i, t(locale, 'reply.failed'), ctx.logger);
    }
  },
} satisfies Command;

/** `/quota`: the caller's usage, limits, reset time and active jobs (only they see it). */
import { type APIEmbed, ApplicationCommandType, InteractionContextType } from 'discord.js';
import type { UsageFigure } from '../../../engine/engine-api.ts';
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
      const figure = (f: UsageFigure) =>
        `${f.used} / ${f.limit === null ? t(locale, 'quota.unlimited') : f.limit}`;
      const jobs = usage.active.jobs.map((j) => {
        const label = `“${safeText(j.prompt, 60)}” · ${j.state}${j.state === 'in_progress' ? ` ${Math.round(j.progress)}%` : ''}`;
        return j.place.link ? `[${label}](${j.place.link})` : label;
      });
      const embed: APIEmbed = {
        title: t(locale, 'quota.title'),
        color: 0x5865f2,
        fields: [
          { name: t(locale, 'quota.videos'), value: figure(usage.videos), inline: true },
          { name: t(locale, 'quota.seconds'), value: figure(usage.seconds), inline: true },
          { name: t(locale, 'quota.server'), value: figure(usage.workspace), inline: true },
          {
            name: `${t(locale, 'quota.active')} (${figure(usage.active)})`,
            value: (jobs.join('\n') || t(locale, 'quota.none')).slice(0, 1024),
          },
        ],
        description: [
          t(locale, 'quota.resets', { when: relativeTime(usage.resetsAt) }),
          usage.exempt ? t(locale, 'quota.exempt') : '',
        ]
          .filter(Boolean)
          .join('\n'),
      };
      await i.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
    } catch (err) {
      ctx.logger.error('quota lookup failed', { err });
      await replyPrivately(i, t(locale, 'reply.failed'), ctx.logger);
    }
  },
} satisfies Command;

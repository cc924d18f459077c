/** `/remix video prompt`: change one thing in an existing video (autocomplete of recent ones). */
import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType } from 'discord.js';
import type { RecentVideo } from '../../../engine/engine-api.ts';
import { refusalText } from '../../../presentation/refusal-text.ts';
import { isUserVideoId } from '../../../video/video-id.ts';
import type { Command } from '../command.ts';
import { described, named } from '../i18n.ts';
import { deferNow, replyPrivately } from '../interaction-replies.ts';
import { startJob } from '../job-start.ts';

/** Autocomplete must answer inside 3 s even when the store is slow. */
const AUTOCOMPLETE_BUDGET_MS = 2000;

function choiceName(v: RecentVideo): string {
  const prompt = v.prompt.replace(/\s+/g, ' ').trim();
  const tail = ` — ${v.requester}`;
  const room = 100 - tail.length;
  return `${prompt.length > room ? `${prompt.slice(0, room - 1)}…` : prompt}${tail}`.slice(0, 100);
}

export default {
  data: () => ({
    ...named('remix', '混剪'),
    ...described('cmd.remix'),
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        ...named('video', '视频'),
        ...described('cmd.remix.video'),
        required: true,
        autocomplete: true,
        max_length: 100,
      },
      {
        type: ApplicationCommandOptionType.String,
        ...named('prompt', '提示词'),
        ...described('cmd.remix.prompt'),
        required: true,
        max_length: 4000,
      },
    ],
  }),

  async execute(i, ctx) {
    if (!(await deferNow(i, false, ctx.logger))) return;
    const videoId = i.options.getString('video', true).trim();
    // A typed id is checked strictly (path tricks); ids from buttons come from the upstream.
    if (!isUserVideoId(videoId)) {
      const refusal = { code: 'source_not_found' } as const;
      return replyPrivately(i, refusalText(i.locale, refusal, 'discord'), ctx.logger);
    }
    await startJob(i, ctx, { kind: 'remix', videoId, change: i.options.getString('prompt', true) });
  },

  async autocomplete(i, ctx) {
    const typed = i.options.getFocused().toLowerCase();
    const base = { platform: 'discord' as const, workspaceId: i.guildId ?? '', limit: 25 };
    const lists = Promise.all([
      ctx.engine.recentVideos({ ...base, userId: i.user.id }),
      ctx.engine.recentVideos({ ...base, channelId: i.channelId ?? '' }),
    ]);
    const timeout = new Promise<RecentVideo[][]>((resolve) => {
      setTimeout(() => resolve([]), AUTOCOMPLETE_BUDGET_MS).unref();
    });
    const found = await Promise.race([lists, timeout]).catch(() => [] as RecentVideo[][]);
    const seen = new Set<string>();
    const choices = found
      .flat()
      .filter((v) => !seen.has(v.videoId) && seen.add(v.videoId))
      .filter(
        (v) =>
          typed === '' || v.prompt.toLowerCase().includes(typed) || v.videoId.toLowerCase().includes(typed),
      )
      .filter((v) => v.videoId.length <= 100)
      .slice(0, 25)
      .map((v) => ({ name: choiceName(v), value: v.videoId }));
    await i.respond(choices).catch((err: unknown) => ctx.logger.warn('autocomplete answer failed', { err }));
  },
} satisfies Command;

/**
 * Turning an acknowledged interaction into a job: register it as the job's origin (so the job
 * message becomes the deferred reply), submit, and answer a refusal privately.
 */
import type { RepliableInteraction } from 'discord.js';
import type { VideoRequest } from '../../engine/engine-api.ts';
import { actorOf } from './actor.ts';
import type { DiscordContext } from './command.ts';
import { DEFAULT_UPLOAD_LIMIT } from './discord-surface.ts';
import { t } from './i18n.ts';
import { replyPrivately } from './interaction-replies.ts';
import { refusalText } from './refusal-text.ts';

export type JobParams = Omit<VideoRequest, 'actor' | 'place' | 'origin'>;

/** Submit a job for an interaction that was already deferred publicly. */
export async function startJob(
  i: RepliableInteraction,
  ctx: DiscordContext,
  params: JobParams,
): Promise<void> {
  const actor = actorOf(i, ctx.config);
  const channelId = i.channelId ?? '';
  ctx.origins.register({
    interactionId: i.id,
    userId: actor.userId,
    channelId,
    prompt: params.prompt,
    attachmentSizeLimit: i.attachmentSizeLimit ?? DEFAULT_UPLOAD_LIMIT,
    createdAt: Date.now(),
    reply: {
      editOriginal: async (body) => {
        const m = await i.editReply(toClientBody(body));
        return { id: m.id, channelId: m.channelId };
      },
    },
  });
  let jobId: string | undefined;
  try {
    const out = await ctx.engine.submit({
      ...params,
      actor,
      place: { platform: 'discord', workspaceId: i.guildId ?? '', channelId, locale: i.locale },
      origin: i.id,
    });
    if (!out.ok) {
      await replyPrivately(i, refusalText(i.locale, out.refusal), ctx.logger);
      return;
    }
    jobId = out.value.job.id;
  } catch (err) {
    ctx.logger.error('submit failed', { interaction: i.id, err });
    await replyPrivately(i, t(i.locale, 'reply.failed'), ctx.logger);
  } finally {
    if (ctx.origins.settle(i.id, jobId)) await i.deleteReply().catch(() => undefined);
  }
}

/** Our REST-shaped bodies (`allowed_mentions`) in the form discord.js's reply methods take. */
export function toClientBody(body: object): object {
  const { allowed_mentions: _a, ...rest } = body as { allowed_mentions?: unknown };
  return { ...rest, allowedMentions: { parse: [] } };
}

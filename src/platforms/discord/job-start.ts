/**
 * Turning an acknowledged interaction into a job: register it as the job's origin (so the job
 * message becomes the deferred reply), submit, and answer a refusal privately.
 */
import { type InteractionWebhook, MessageFlags, type RepliableInteraction } from 'discord.js';
import type { VideoRequest } from '../../engine/engine-api.ts';
import { refusalText } from '../../presentation/refusal-text.ts';
import { actorOf } from './actor.ts';
import type { DiscordContext } from './command.ts';
import { DEFAULT_UPLOAD_LIMIT } from './discord-surface.ts';
import { t } from './i18n.ts';
import type { OriginReply } from './interaction-origins.ts';
import { replyPrivately } from './interaction-replies.ts';

export type JobParams = Omit<VideoRequest, 'actor' | 'place' | 'origin'>;

/** What a job started from an interaction is: a new request, a re-roll, or a remix of a result. */
export type JobStart =
  | { kind: 'submit'; params: JobParams }
  | { kind: 'reroll'; jobId: string; prompt: string }
  | { kind: 'remix'; videoId: string; change: string }
  | { kind: 'extend'; videoId: string; prompt: string; seconds: number }
  | { kind: 'edit'; videoId: string; change: string };

/**
 * Submit a job for an interaction that was already deferred. `where` places it elsewhere than
 * the interaction: a click in a DM (on a private result) makes a job in the result's own server
 * and channel, still answered in the DM.
 */
export async function startJob(
  i: RepliableInteraction,
  ctx: DiscordContext,
  start: JobStart,
  where?: { workspaceId: string; channelId: string },
): Promise<void> {
  const actor = actorOf(i, ctx.config);
  const channelId = where?.channelId ?? i.channelId ?? '';
  ctx.origins.register({
    interactionId: i.id,
    userId: actor.userId,
    channelId,
    // The job message finds its interaction by prompt (the engine answers before `settle`).
    prompt: promptOf(start),
    attachmentSizeLimit: i.attachmentSizeLimit ?? DEFAULT_UPLOAD_LIMIT,
    createdAt: Date.now(),
    reply: originReply(i.webhook),
  });
  let jobId: string | undefined;
  try {
    const workspaceId = where?.workspaceId ?? i.guildId ?? '';
    const place = { platform: 'discord' as const, workspaceId, channelId, locale: i.locale };
    const e = ctx.engine;
    const out =
      start.kind === 'reroll'
        ? await e.reroll(start.jobId, actor, place, i.id)
        : start.kind === 'remix'
          ? await e.remixFromResult(start.videoId, start.change, actor, place, i.id)
          : start.kind === 'extend'
            ? await e.extendFromResult(start.videoId, start.prompt, start.seconds, actor, place, i.id)
            : start.kind === 'edit'
              ? await e.editFromResult(start.videoId, start.change, actor, place, i.id)
              : await e.submit({ ...start.params, actor, place, origin: i.id });
    if (!out.ok) {
      await replyPrivately(i, refusalText(i.locale, out.refusal, 'discord'), ctx.logger);
      return;
    }
    jobId = out.value.job.id;
    if (out.value.variantRefusal) {
      const made = 1 + (out.value.variants?.length ?? 0);
      const reason = refusalText(i.locale, out.value.variantRefusal, 'discord');
      const asked = out.value.job.variant?.of ?? made + 1;
      await i
        .followUp({
          content: t(i.locale, 'reply.variantsStopped', { made, asked, reason }),
          flags: MessageFlags.Ephemeral,
          allowedMentions: { parse: [] },
        })
        .catch((err: unknown) => ctx.logger.warn('could not tell about refused variants', { err }));
    }
  } catch (err) {
    ctx.logger.error('submit failed', { interaction: i.id, err });
    await replyPrivately(i, t(i.locale, 'reply.failed'), ctx.logger);
  } finally {
    if (ctx.origins.settle(i.id, jobId)) await i.deleteReply().catch(() => undefined);
  }
}

/**
 * Edits the deferred reply as `editReply` does, holding only the interaction's webhook
 * (application id and token): with thousands of commands waiting for their job message, each
 * kept interaction (options, member, permissions, raw payload) cost more than the job itself.
 */
function originReply(webhook: InteractionWebhook): OriginReply {
  return {
    editOriginal: async (body) => {
      const m = await webhook.editMessage('@original', toClientBody(body));
      return { id: m.id, channelId: m.channelId };
    },
  };
}

function promptOf(start: JobStart): string {
  if (start.kind === 'submit') return start.params.prompt;
  return start.kind === 'remix' || start.kind === 'edit' ? start.change : start.prompt;
}

/** Our REST-shaped bodies (`allowed_mentions`) in the form discord.js's reply methods take. */
export function toClientBody(body: object): object {
  const { allowed_mentions: _a, ...rest } = body as { allowed_mentions?: unknown };
  return { ...rest, allowedMentions: { parse: [] } };
}

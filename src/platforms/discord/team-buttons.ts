/**
 * Team-control buttons on Discord: Details (only the clicker sees it), Delete (requester or
 * admin; the engine decides) and the Older/Newer buttons of `/history`.
 */
import type { ButtonInteraction } from 'discord.js';
import { presentDetails } from '../../presentation/job-details.ts';
import { refusalText } from '../../presentation/refusal-text.ts';
import { actorOf } from './actor.ts';
import type { DiscordContext } from './command.ts';
import { historyReply } from './commands/history.ts';
import type { ComponentAction } from './custom-ids.ts';
import { t } from './i18n.ts';
import { deferNow, replyPrivately } from './interaction-replies.ts';
import { detailsEmbed, fullTime } from './team-views.ts';

export type TeamComponentAction = Extract<ComponentAction, { kind: 'details' | 'delete' | 'history' }>;

export function isTeamAction(a: ComponentAction): a is TeamComponentAction {
  return a.kind === 'details' || a.kind === 'delete' || a.kind === 'history';
}

export async function handleTeamButton(
  i: ButtonInteraction,
  action: TeamComponentAction,
  ctx: DiscordContext,
): Promise<void> {
  if (action.kind === 'history') {
    // The page replaces the one clicked on (the list stays one private message).
    await i.update(await historyReply(i, ctx, action.scope, action.page));
    return;
  }
  if (!(await deferNow(i, true, ctx.logger))) return;
  if (action.kind === 'details') {
    const found = await ctx.engine.jobDetails(action.jobId);
    if (!found) return replyPrivately(i, t(i.locale, 'reply.unknownJob'), ctx.logger);
    const view = presentDetails(found.job, {
      locale: i.locale,
      platform: 'discord',
      time: fullTime,
      ...(found.parent ? { parent: found.parent } : {}),
    });
    await i.editReply({ embeds: [detailsEmbed(view)], allowedMentions: { parse: [] } });
    return;
  }
  const out = await ctx.engine.deleteResult(action.jobId, actorOf(i, ctx.config));
  const text = out.ok
    ? t(i.locale, out.value.upstreamDeleted ? 'delete.doneUpstream' : 'delete.done')
    : refusalText(i.locale, out.refusal, 'discord');
  await replyPrivately(i, text, ctx.logger);
}

/**
 * Team-control buttons on Slack: Details (answered to the clicker only), Delete (requester or
 * admin; the engine decides) and the Older/Newer buttons of `/history` (the page replaces itself).
 */

import { t } from '../../../presentation/catalogue/catalogue.ts';
import { presentDetails } from '../../../presentation/job-details.ts';
import { ACTION_IDS } from '../action-ids.ts';
import { historyPage } from '../commands/history-command.ts';
import { detailsText, readerDateTime } from '../render/team-text.ts';
import type { ButtonArgs, SlackButton, SlackDeps } from '../slack-handler-types.ts';
import { type TellTarget, tellRefusal, tellText, tellUser } from '../tell-user.ts';

async function clicker({ body, client, respond }: ButtonArgs, deps: SlackDeps) {
  const actor = await deps.actors.actor(body.user.id, body.user.name ?? body.user.id);
  const tell: TellTarget = {
    client,
    logger: deps.logger,
    channel: body.channel?.id ?? body.container?.channel_id ?? '',
    user: body.user.id,
    respond,
    ...(actor.locale ? { locale: actor.locale } : {}),
  };
  return { actor, tell };
}

export const detailsButton: SlackButton = {
  actionId: ACTION_IDS.details,
  async execute(args, deps) {
    await args.ack();
    const { actor, tell } = await clicker(args, deps);
    const found = await deps.engine.jobDetails(args.action.value ?? '');
    if (!found) return tellText(tell, 'reply.unknownJob');
    const view = presentDetails(found.job, {
      locale: actor.locale,
      platform: 'slack',
      time: readerDateTime,
      ...(found.parent ? { parent: found.parent } : {}),
    });
    await tellUser(tell, detailsText(view));
  },
};

export const deleteButton: SlackButton = {
  actionId: ACTION_IDS.delete,
  async execute(args, deps) {
    await args.ack();
    const { actor, tell } = await clicker(args, deps);
    const out = await deps.engine.deleteResult(args.action.value ?? '', actor);
    if (!out.ok) return tellRefusal(tell, out.refusal);
    await tellUser(tell, t(actor.locale, out.value.upstreamDeleted ? 'delete.doneUpstream' : 'delete.done'));
  },
};

const historyButton = (dir: 'newer' | 'older'): SlackButton => ({
  actionId: `${ACTION_IDS.historyPage}_${dir}`,
  async execute(args, deps) {
    await args.ack();
    const { actor } = await clicker(args, deps);
    const m = /^(mine|all)\.(\d{1,4})$/.exec(args.action.value ?? '');
    if (!m) return;
    const where = {
      workspaceId: args.body.team?.id ?? args.body.user.team_id ?? '',
      userId: args.body.user.id,
      locale: actor.locale,
    };
    const message = await historyPage(deps, where, m[1] as 'mine' | 'all', Number(m[2]));
    await args.respond({ response_type: 'ephemeral', replace_original: true, ...message });
  },
});

export const TEAM_BUTTONS: readonly SlackButton[] = [
  detailsButton,
  deleteButton,
  historyButton('newer'),
  historyButton('older'),
];

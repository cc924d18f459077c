/** `/history [all]`: recent videos, yours or the whole workspace's, newest first, paged with buttons. */
import { HISTORY_PAGE_SIZE, presentHistory } from '../../../presentation/history-presentation.ts';
import { historyMessage } from '../render/team-text.ts';
import type { SlackCommand, SlackDeps } from '../slack-handler-types.ts';
import { commandTell, tellText } from '../tell-user.ts';

/** One page as a Slack message. */
export async function historyPage(
  deps: SlackDeps,
  where: { workspaceId: string; userId: string; locale: string | undefined },
  scope: 'mine' | 'all',
  page: number,
) {
  const filter = {
    platform: 'slack' as const,
    workspaceId: where.workspaceId,
    ...(scope === 'mine' ? { userId: where.userId } : {}),
  };
  const found = await deps.engine.history(filter, page, HISTORY_PAGE_SIZE);
  return historyMessage(
    presentHistory(found, { scope, locale: where.locale, platform: 'slack', nowMs: Date.now() }),
  );
}

export default {
  name: '/history',
  description: 'Recent videos, newest first (only you see it)',
  usageHint: 'mine | all',
  async execute(args, deps) {
    const { command, respond } = args;
    await args.ack();
    const actor = await deps.actors.actor(command.user_id, command.user_name);
    const word = command.text.trim().toLowerCase();
    if (word !== '' && word !== 'all' && word !== 'mine') {
      return tellText(commandTell(args, deps.logger, actor.locale), 'history.usage');
    }
    const where = { workspaceId: command.team_id, userId: command.user_id, locale: actor.locale };
    const message = await historyPage(deps, where, word === 'all' ? 'all' : 'mine', 0);
    await respond({ response_type: 'ephemeral', replace_original: false, ...message });
  },
} satisfies SlackCommand;

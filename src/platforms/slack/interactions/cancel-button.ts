/** Cancel button: only the requester or a workspace admin; the engine decides and refuses others. */
import { ACTION_IDS } from '../action-ids.ts';
import { escapeSlack } from '../render/slack-text.ts';
import type { SlackButton } from '../slack-handler-types.ts';
import { tellUser } from '../tell-user.ts';

export default {
  actionId: ACTION_IDS.cancel,
  async execute({ ack, body, action, client, respond }, deps) {
    await ack();
    const channelId = body.channel?.id ?? body.container?.channel_id ?? '';
    const actor = await deps.actors.actor(body.user.id, body.user.name ?? body.user.id);
    const outcome = await deps.engine.cancel(action.value ?? '', actor);
    if (!outcome.ok) {
      const tell = { client, logger: deps.logger, channel: channelId, user: body.user.id, respond };
      await tellUser(tell, escapeSlack(outcome.refusal.message));
    }
  },
} satisfies SlackButton;

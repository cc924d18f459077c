/** Cancel button: only the requester or a workspace admin; the engine decides and refuses others. */
import { ACTION_IDS } from '../action-ids.ts';
import type { SlackButton } from '../slack-handler-types.ts';
import { tellRefusal } from '../tell-user.ts';

export default {
  actionId: ACTION_IDS.cancel,
  async execute({ ack, body, action, client, respond }, deps) {
    await ack();
    const channelId = body.channel?.id ?? body.container?.channel_id ?? '';
    const actor = await deps.actors.actor(body.user.id, body.user.name ?? body.user.id);
    const outcome = await deps.engine.cancel(action.value ?? '', actor);
    if (!outcome.ok) {
      const locale = actor.locale ? { locale: actor.locale } : {};
      await tellRefusal(
        { client, logger: deps.logger, channel: channelId, user: body.user.id, respond, ...locale },
        outcome.refusal,
      );
    }
  },
} satisfies SlackButton;

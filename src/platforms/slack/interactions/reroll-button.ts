/** Re-roll button: the engine's re-roll (same prompt, image, model, size, seconds), in the original's thread. */
import { ACTION_IDS } from '../action-ids.ts';
import { acceptedOrTell, placeNear } from '../job-requests.ts';
import type { SlackButton } from '../slack-handler-types.ts';
import { tellText } from '../tell-user.ts';

export default {
  actionId: ACTION_IDS.reroll,
  async execute({ ack, body, action, client, respond }, deps) {
    await ack();
    const channelId = body.channel?.id ?? body.container?.channel_id ?? '';
    const workspaceId = body.team?.id ?? body.user.team_id ?? '';
    const [actor, original] = await Promise.all([
      deps.actors.actor(body.user.id, body.user.name ?? body.user.id),
      deps.engine.getJob(action.value ?? ''),
    ]);
    const locale = actor.locale ? { locale: actor.locale } : {};
    const tell = { client, logger: deps.logger, channel: channelId, user: body.user.id, respond, ...locale };
    if (!original) return tellText(tell, 'reply.unknownJob');
    const place = placeNear(original, workspaceId, channelId, actor.locale);
    await acceptedOrTell(deps.engine.reroll(original.id, actor, place, body.trigger_id), tell);
  },
} satisfies SlackButton;

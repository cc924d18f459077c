/** Re-roll button: the same prompt and settings again, posted in the original's thread. */
import { ACTION_IDS } from '../action-ids.ts';
import { placeNear, submitOrTell } from '../job-requests.ts';
import type { SlackButton } from '../slack-handler-types.ts';
import { tellUser } from '../tell-user.ts';

export default {
  actionId: ACTION_IDS.reroll,
  async execute({ ack, body, action, client, respond }, deps) {
    await ack();
    const channelId = body.channel?.id ?? body.container?.channel_id ?? '';
    const tell = { client, logger: deps.logger, channel: channelId, user: body.user.id, respond };
    const workspaceId = body.team?.id ?? body.user.team_id ?? '';
    const [actor, original] = await Promise.all([
      deps.actors.actor(body.user.id, body.user.name ?? body.user.id),
      deps.engine.getJob(action.value ?? ''),
    ]);
    if (!original)
      return tellUser(
        tell,
        'I no longer know that video, so I cannot re-roll it. Start a new one with `/video`.',
      );
    await submitOrTell(
      deps,
      {
        actor,
        place: placeNear(original, workspaceId, channelId),
        prompt: original.prompt,
        // A remix inherits size and length from its source; a fresh video repeats its own settings.
        ...(original.parentVideoId
          ? { remixOf: original.parentVideoId }
          : { model: original.model, size: original.size, seconds: original.seconds }),
        rerollOf: original.id,
        origin: body.trigger_id,
      },
      tell,
    );
  },
} satisfies SlackButton;

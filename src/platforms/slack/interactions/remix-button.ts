/**
 * Remix button: opens the Remix dialog at once (trigger ids live 3 s, so nothing is awaited
 * first), then fills in the source prompt with `views.update` once it was looked up.
 */
import { ACTION_IDS } from '../action-ids.ts';
import { remixModal } from '../render/modal-views.ts';
import type { SlackButton } from '../slack-handler-types.ts';
import { tellUser } from '../tell-user.ts';

export default {
  actionId: ACTION_IDS.remix,
  async execute({ ack, body, action, client, respond }, deps) {
    const videoId = action.value ?? '';
    const channelId = body.channel?.id ?? body.container?.channel_id ?? '';
    const meta = { channelId, videoId };
    const [, opened] = await Promise.all([
      ack(),
      client.views.open({ trigger_id: body.trigger_id, view: remixModal(meta) }).catch((err: unknown) => {
        deps.logger.warn('slack could not open the remix dialog', { err });
        return undefined;
      }),
    ]);
    if (!opened?.view?.id) {
      const tell = { client, logger: deps.logger, channel: channelId, user: body.user.id, respond };
      return tellUser(tell, 'I could not open the Remix dialog in time. Click Remix again.');
    }
    const source = await deps.engine.findJobByVideoId(videoId);
    if (!source) return;
    await client.views
      .update({
        view_id: opened.view.id,
        ...(opened.view.hash ? { hash: opened.view.hash } : {}),
        view: remixModal(meta, source.prompt),
      })
      .catch((err: unknown) =>
        deps.logger.debug('slack remix dialog not updated (user may have typed already)', { err }),
      );
  },
} satisfies SlackButton;

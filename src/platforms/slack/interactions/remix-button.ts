/**
 * Remix button: opens the Remix dialog at once (trigger ids live 3 s, so nothing is awaited
 * first), then fills in the source prompt with `views.update` once it was looked up.
 */
import { ACTION_IDS } from '../action-ids.ts';
import { remixModal } from '../render/modal-views.ts';
import type { SlackButton } from '../slack-handler-types.ts';
import { tellText } from '../tell-user.ts';

export default {
  actionId: ACTION_IDS.remix,
  async execute({ ack, body, action, client, respond }, deps) {
    const videoId = action.value ?? '';
    const channelId = body.channel?.id ?? body.container?.channel_id ?? '';
    const meta = { channelId, videoId };
    // Nothing awaited before views.open (the trigger lives 3 s): the cached locale, if any.
    const locale = deps.actors.cachedLocale(body.user.id);
    const [, opened] = await Promise.all([
      ack(),
      client.views
        .open({ trigger_id: body.trigger_id, view: remixModal(meta, undefined, locale) })
        .catch((err: unknown) => {
          deps.logger.warn('slack could not open the remix dialog', { err });
          return undefined;
        }),
    ]);
    if (!opened?.view?.id) {
      const tell = { client, logger: deps.logger, channel: channelId, user: body.user.id, respond };
      return tellText(locale ? { ...tell, locale } : tell, 'reply.remixFormFailed');
    }
    const source = await deps.engine.findJobByVideoId(videoId);
    if (!source) return;
    await client.views
      .update({
        view_id: opened.view.id,
        ...(opened.view.hash ? { hash: opened.view.hash } : {}),
        view: remixModal(meta, source.prompt, locale),
      })
      .catch((err: unknown) =>
        deps.logger.debug('slack remix dialog not updated (user may have typed already)', { err }),
      );
  },
} satisfies SlackButton;

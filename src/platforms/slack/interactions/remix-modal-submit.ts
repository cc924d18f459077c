/** The Remix dialog: the one change, submitted as a remix posted in the source video's thread. */
import { t } from '../../../presentation/catalogue/catalogue.ts';
import { INPUT_IDS, type RemixModalMeta, VIEW_IDS } from '../action-ids.ts';
import { acceptedOrTell, placeNear } from '../job-requests.ts';
import { readMeta } from '../render/modal-views.ts';
import type { SlackModalSubmit } from '../slack-handler-types.ts';

export default {
  callbackId: VIEW_IDS.remix,
  async execute({ ack, body, view, client }, deps) {
    const change = (view.state.values[INPUT_IDS.change]?.[INPUT_IDS.change]?.value ?? '').trim();
    if (change === '') {
      const locale = deps.actors.cachedLocale(body.user.id);
      await ack({
        response_action: 'errors',
        errors: { [INPUT_IDS.change]: t(locale, 'reply.changeMissing') },
      });
      return;
    }
    await ack();
    const meta = readMeta<RemixModalMeta>(view.private_metadata, ['channelId', 'videoId']);
    if (!meta) return deps.logger.warn('slack remix dialog without our metadata', { viewId: view.id });
    const workspaceId = body.team?.id ?? body.user.team_id ?? '';
    const [actor, source] = await Promise.all([
      deps.actors.actor(body.user.id, body.user.name),
      deps.engine.findJobByVideoId(meta.videoId),
    ]);
    const place = placeNear(source, workspaceId, meta.channelId, actor.locale);
    const locale = actor.locale ? { locale: actor.locale } : {};
    await acceptedOrTell(deps.engine.remixFromResult(meta.videoId, change, actor, place), {
      client,
      logger: deps.logger,
      channel: meta.channelId,
      user: body.user.id,
      ...locale,
    });
  },
} satisfies SlackModalSubmit;

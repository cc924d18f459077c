/** The Remix dialog: the one change, submitted as a remix posted in the source video's thread. */
import { INPUT_IDS, type RemixModalMeta, VIEW_IDS } from '../action-ids.ts';
import { placeNear, submitOrTell } from '../job-requests.ts';
import { readMeta } from '../render/modal-views.ts';
import type { SlackModalSubmit } from '../slack-handler-types.ts';

export default {
  callbackId: VIEW_IDS.remix,
  async execute({ ack, body, view, client }, deps) {
    const change = (view.state.values[INPUT_IDS.change]?.[INPUT_IDS.change]?.value ?? '').trim();
    if (change === '') {
      await ack({ response_action: 'errors', errors: { [INPUT_IDS.change]: 'Say what should change.' } });
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
    await submitOrTell(
      deps,
      { actor, place: placeNear(source, workspaceId, meta.channelId), prompt: change, remixOf: meta.videoId },
      { client, logger: deps.logger, channel: meta.channelId, user: body.user.id },
    );
  },
} satisfies SlackModalSubmit;

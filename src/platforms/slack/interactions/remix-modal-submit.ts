/** The Remix dialog: the one change, submitted as a remix posted in the source video's thread. */
import { VIEW_IDS } from '../action-ids.ts';
import type { SlackModalSubmit } from '../slack-handler-types.ts';
import { requireChange, submitFromResult } from './derived-modal-submit.ts';

export default {
  callbackId: VIEW_IDS.remix,
  async execute({ ack, body, view, client }, deps) {
    const change = await requireChange({ ack, body, view }, deps);
    if (change === undefined) return;
    await submitFromResult(body, view.private_metadata, deps, client, (videoId, actor, place) =>
      deps.engine.remixFromResult(videoId, change, actor, place),
    );
  },
} satisfies SlackModalSubmit;

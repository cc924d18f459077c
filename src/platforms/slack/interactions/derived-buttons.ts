/**
 * Extend and Edit buttons (shown only where the upstream has the route): each opens its dialog
 * at once, nothing awaited first (trigger ids live 3 s).
 */
import type { types } from '@slack/bolt';
import { ACTION_IDS, type RemixModalMeta } from '../action-ids.ts';
import { editModal, extendModal } from '../render/modal-views.ts';
import type { ButtonArgs, SlackButton, SlackDeps } from '../slack-handler-types.ts';
import { tellText } from '../tell-user.ts';

type Dialog = (meta: RemixModalMeta, deps: SlackDeps, locale: string | undefined) => types.ModalView;

function opener(actionId: string, dialog: Dialog): SlackButton {
  return {
    actionId,
    async execute({ ack, body, action, client, respond }: ButtonArgs, deps: SlackDeps) {
      const meta = {
        channelId: body.channel?.id ?? body.container?.channel_id ?? '',
        videoId: action.value ?? '',
      };
      const locale = deps.actors.cachedLocale(body.user.id);
      const [, opened] = await Promise.all([
        ack(),
        client.views
          .open({ trigger_id: body.trigger_id, view: dialog(meta, deps, locale) })
          .catch((err: unknown) => {
            deps.logger.warn('slack could not open a dialog', { actionId, err });
            return undefined;
          }),
      ]);
      if (opened?.view?.id) return;
      const tell = { client, logger: deps.logger, channel: meta.channelId, user: body.user.id, respond };
      await tellText(locale ? { ...tell, locale } : tell, 'reply.remixFormFailed');
    },
  };
}

export const extendButton = opener(ACTION_IDS.extend, (meta, deps, locale) =>
  extendModal(meta, deps.engine.choices.seconds, locale),
);

export const editButton = opener(ACTION_IDS.edit, (meta, _deps, locale) => editModal(meta, locale));

/**
 * The Remix, Extend and Edit dialogs submitted: the new video is posted in the source video's
 * thread. Remix's own module uses the two helpers below.
 */
import { t } from '../../../presentation/catalogue/catalogue.ts';
import { INPUT_IDS, type RemixModalMeta, VIEW_IDS } from '../action-ids.ts';
import { acceptedOrTell, placeNear } from '../job-requests.ts';
import { readMeta } from '../render/modal-views.ts';
import type { SlackModalSubmit } from '../slack-handler-types.ts';

export const extendModalSubmit: SlackModalSubmit = {
  callbackId: VIEW_IDS.extend,
  async execute({ ack, body, view, client }, deps) {
    const values = view.state.values;
    const prompt = (values[INPUT_IDS.next]?.[INPUT_IDS.next]?.value ?? '').trim();
    const seconds = Number(values[INPUT_IDS.seconds]?.[INPUT_IDS.seconds]?.selected_option?.value ?? NaN);
    const locale = deps.actors.cachedLocale(body.user.id);
    if (prompt === '') {
      await ack({
        response_action: 'errors',
        errors: { [INPUT_IDS.next]: t(locale, 'reply.promptMissing') },
      });
      return;
    }
    const offered = deps.engine.choices.seconds;
    if (!offered.includes(seconds)) {
      const choices = offered.join(', ');
      await ack({
        response_action: 'errors',
        errors: { [INPUT_IDS.seconds]: t(locale, 'reply.secondsInvalid', { choices }) },
      });
      return;
    }
    await ack();
    await submitFromResult(body, view.private_metadata, deps, client, (videoId, actor, place) =>
      deps.engine.extendFromResult(videoId, prompt, seconds, actor, place),
    );
  },
};

export const editModalSubmit: SlackModalSubmit = {
  callbackId: VIEW_IDS.edit,
  async execute({ ack, body, view, client }, deps) {
    const change = await requireChange({ ack, body, view }, deps);
    if (change === undefined) return;
    await submitFromResult(body, view.private_metadata, deps, client, (videoId, actor, place) =>
      deps.engine.editFromResult(videoId, change, actor, place),
    );
  },
};

type Args = Parameters<SlackModalSubmit['execute']>[0];
type Deps = Parameters<SlackModalSubmit['execute']>[1];
type Start = (
  videoId: string,
  actor: Awaited<ReturnType<Deps['actors']['actor']>>,
  place: ReturnType<typeof placeNear>,
) => ReturnType<Deps['engine']['submit']>;

/** The dialog's one change, acknowledged; or the dialog is told it is missing (undefined). */
export async function requireChange(
  { ack, body, view }: Pick<Args, 'ack' | 'body' | 'view'>,
  deps: Deps,
): Promise<string | undefined> {
  const change = (view.state.values[INPUT_IDS.change]?.[INPUT_IDS.change]?.value ?? '').trim();
  if (change === '') {
    const locale = deps.actors.cachedLocale(body.user.id);
    await ack({
      response_action: 'errors',
      errors: { [INPUT_IDS.change]: t(locale, 'reply.changeMissing') },
    });
    return undefined;
  }
  await ack();
  return change;
}

/** Start the job a dialog about one video asked for, placed near that video; a refusal is told privately. */
export async function submitFromResult(
  body: Args['body'],
  rawMeta: string,
  deps: Deps,
  client: Args['client'],
  start: Start,
): Promise<void> {
  const meta = readMeta<RemixModalMeta>(rawMeta, ['channelId', 'videoId']);
  if (!meta)
    return deps.logger.warn('slack dialog without our metadata', { callbackId: body.view.callback_id });
  const workspaceId = body.team?.id ?? body.user.team_id ?? '';
  const [actor, source] = await Promise.all([
    deps.actors.actor(body.user.id, body.user.name),
    deps.engine.findJobByVideoId(meta.videoId),
  ]);
  const place = placeNear(source, workspaceId, meta.channelId, actor.locale);
  await acceptedOrTell(start(meta.videoId, actor, place), {
    client,
    logger: deps.logger,
    channel: meta.channelId,
    user: body.user.id,
    ...(actor.locale ? { locale: actor.locale } : {}),
  });
}

/**
 * The `/video` form: prompt, size, length, model and an optional image. Empty prompts are sent
 * back to the form as an error; otherwise the form closes at once and the job is submitted
 * (the image is fetched from Slack first, with the bot token, from Slack's file host only).
 */
import type { VideoRequest } from '../../../engine/engine-api.ts';
import { t } from '../../../presentation/catalogue/catalogue.ts';
import { INPUT_IDS, VIEW_IDS, type VideoModalMeta } from '../action-ids.ts';
import { acceptedOrTell } from '../job-requests.ts';
import { readMeta } from '../render/modal-views.ts';
import { type FetchProblem, fetchSlackImage } from '../slack-file-fetch.ts';
import type { SlackModalSubmit, ViewArgs } from '../slack-handler-types.ts';
import { tellText } from '../tell-user.ts';

type Values = ViewArgs['view']['state']['values'];

function selected(values: Values, id: string): string | undefined {
  return values[id]?.[id]?.selected_option?.value ?? undefined;
}

function fileIds(values: Values): string[] {
  const files = (values[INPUT_IDS.image]?.[INPUT_IDS.image] as { files?: { id?: string }[] } | undefined)
    ?.files;
  return (files ?? []).map((f) => f.id ?? '').filter(Boolean);
}

export default {
  callbackId: VIEW_IDS.video,
  async execute({ ack, body, view, client }, deps) {
    const values = view.state.values;
    const prompt = (values[INPUT_IDS.prompt]?.[INPUT_IDS.prompt]?.value ?? '').trim();
    if (prompt === '') {
      const locale = deps.actors.cachedLocale(body.user.id);
      await ack({
        response_action: 'errors',
        errors: { [INPUT_IDS.prompt]: t(locale, 'reply.promptMissing') },
      });
      return;
    }
    await ack();
    const meta = readMeta<VideoModalMeta>(view.private_metadata, ['channelId']);
    if (!meta) return deps.logger.warn('slack video form without our metadata', { viewId: view.id });
    const actor = await deps.actors.actor(body.user.id, body.user.name);
    const locale = actor.locale ? { locale: actor.locale } : {};
    const tell = { client, logger: deps.logger, channel: meta.channelId, user: body.user.id, ...locale };
    const seconds = Number(selected(values, INPUT_IDS.seconds));
    const request: VideoRequest = {
      actor,
      place: {
        platform: 'slack',
        workspaceId: body.team?.id ?? body.user.team_id ?? '',
        channelId: meta.channelId,
        ...locale,
      },
      prompt,
      ...(Number.isInteger(seconds) && seconds > 0 ? { seconds } : {}),
    };
    const size = selected(values, INPUT_IDS.size);
    const model = selected(values, INPUT_IDS.model);
    if (size) request.size = size;
    if (model) request.model = model;
    const [fileId] = fileIds(values);
    if (fileId) {
      const fetched = await fetchSlackImage(client, fileId, deps.images).catch((err: unknown) => {
        deps.logger.warn('slack image fetch failed', { err });
        return { ok: false as const, problem: { key: 'reply.imageFetch' } as FetchProblem };
      });
      if (!fetched.ok) return tellText(tell, fetched.problem.key, fetched.problem.vars);
      request.image = fetched.image;
    }
    await acceptedOrTell(deps.engine.submit(request), tell);
  },
} satisfies SlackModalSubmit;

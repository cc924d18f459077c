/**
 * `/video a fox in snow --size 720x1280 --seconds 8 [--model m]` starts a job at once;
 * `/video` alone opens the form (the trigger id is used straight away: it lives 3 s).
 */

import { t } from '../../../presentation/catalogue/catalogue.ts';
import { VIEW_IDS } from '../action-ids.ts';
import { acceptedOrTell } from '../job-requests.ts';
import { videoModal } from '../render/modal-views.ts';
import { escapeSlack } from '../render/slack-text.ts';
import type { SlackCommand } from '../slack-handler-types.ts';
import { commandTell, tellText, tellUser } from '../tell-user.ts';
import { parseVideoText } from './parse-video-text.ts';

export default {
  name: '/video',
  description: 'Make a video from a prompt (or open a form)',
  usageHint: 'a fox in snow --size 720x1280 --seconds 8 [--model name]',
  async execute(args, deps) {
    const { command, client } = args;
    await args.ack();
    if (command.text.trim() === '') {
      // No users.info first: the trigger id expires in 3 s. The locale is the cached one, if any.
      const locale = deps.actors.cachedLocale(command.user_id);
      const meta = { channelId: command.channel_id };
      const view = videoModal(deps.engine.choices, meta, deps.engine.simulated, locale);
      try {
        await client.views.open({ trigger_id: command.trigger_id, view });
      } catch (err) {
        deps.logger.warn('slack could not open the video form', { err, callbackId: VIEW_IDS.video });
        await tellText(commandTell(args, deps.logger, locale), 'reply.formFailed');
      }
      return;
    }
    const actor = await deps.actors.actor(command.user_id, command.user_name);
    const tell = commandTell(args, deps.logger, actor.locale);
    const usage = t(actor.locale, 'reply.usageVideo');
    const parsed = parseVideoText(command.text);
    if (!parsed.ok) {
      const vars = Object.fromEntries(
        Object.entries(parsed.problem.vars).map(([k, v]) => [k, escapeSlack(v)]),
      );
      return tellUser(tell, `${t(actor.locale, parsed.problem.key, vars)}\n${usage}`);
    }
    if (parsed.value.prompt === '')
      return tellUser(tell, `${t(actor.locale, 'reply.promptMissing')}\n${usage}`);
    const place = {
      platform: 'slack' as const,
      workspaceId: command.team_id,
      channelId: command.channel_id,
      ...(actor.locale ? { locale: actor.locale } : {}),
    };
    await acceptedOrTell(
      deps.engine.submit({
        actor,
        place,
        prompt: parsed.value.prompt,
        ...(parsed.value.size ? { size: parsed.value.size } : {}),
        ...(parsed.value.seconds ? { seconds: parsed.value.seconds } : {}),
        ...(parsed.value.model ? { model: parsed.value.model } : {}),
        ...(parsed.value.variants !== undefined ? { variants: parsed.value.variants } : {}),
        ...(parsed.value.private !== undefined ? { private: parsed.value.private } : {}),
        origin: command.trigger_id,
      }),
      tell,
    );
  },
} satisfies SlackCommand;

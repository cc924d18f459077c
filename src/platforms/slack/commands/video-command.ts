/**
 * `/video a fox in snow --size 720x1280 --seconds 8 [--model m]` starts a job at once;
 * `/video` alone opens the form (the trigger id is used straight away: it lives 3 s).
 */
import { VIEW_IDS } from '../action-ids.ts';
import { submitOrTell } from '../job-requests.ts';
import { videoModal } from '../render/modal-views.ts';
import type { SlackCommand } from '../slack-handler-types.ts';
import { tellUser } from '../tell-user.ts';
import { parseVideoText } from './parse-video-text.ts';

const USAGE = 'Usage: `/video a fox in snow --size 720x1280 --seconds 8`, or just `/video` for a form.';

export default {
  name: '/video',
  description: 'Make a video from a prompt (or open a form)',
  usageHint: 'a fox in snow --size 720x1280 --seconds 8 [--model name]',
  async execute({ command, ack, respond, client }, deps) {
    await ack();
    const tell = { client, logger: deps.logger, channel: command.channel_id, user: command.user_id, respond };
    if (command.text.trim() === '') {
      const view = videoModal(deps.engine.choices, { channelId: command.channel_id }, deps.engine.simulated);
      try {
        await client.views.open({ trigger_id: command.trigger_id, view });
      } catch (err) {
        deps.logger.warn('slack could not open the video form', { err, callbackId: VIEW_IDS.video });
        await tellUser(
          tell,
          'I could not open the form in time. Run `/video` again, or give the prompt directly.',
        );
      }
      return;
    }
    const parsed = parseVideoText(command.text);
    if (!parsed.ok) return tellUser(tell, `${parsed.message}\n${USAGE}`);
    if (parsed.value.prompt === '') return tellUser(tell, `Say what the video should show.\n${USAGE}`);
    const actor = await deps.actors.actor(command.user_id, command.user_name);
    await submitOrTell(
      deps,
      {
        actor,
        place: { platform: 'slack', workspaceId: command.team_id, channelId: command.channel_id },
        prompt: parsed.value.prompt,
        ...(parsed.value.size ? { size: parsed.value.size } : {}),
        ...(parsed.value.seconds ? { seconds: parsed.value.seconds } : {}),
        ...(parsed.value.model ? { model: parsed.value.model } : {}),
        origin: command.trigger_id,
      },
      tell,
    );
  },
} satisfies SlackCommand;

/**
 * `/remix <video_id> <change>`: a remix of a finished video, posted in that video's thread
 * when the bot made it in this workspace, so the thread shows the video's family.
 */
import { VIDEO_ERROR_MESSAGES } from '../../../video/video-error-messages.ts';
import { isUserVideoId } from '../../../video/video-id.ts';
import { placeNear, submitOrTell } from '../job-requests.ts';
import type { SlackCommand } from '../slack-handler-types.ts';
import { tellUser } from '../tell-user.ts';
import { parseRemixText } from './parse-video-text.ts';

export default {
  name: '/remix',
  description: 'Remix a finished video with one change',
  usageHint: 'video_abc123 make it night',
  async execute({ command, ack, respond, client }, deps) {
    await ack();
    const tell = { client, logger: deps.logger, channel: command.channel_id, user: command.user_id, respond };
    const parsed = parseRemixText(command.text);
    if (!parsed) {
      return tellUser(
        tell,
        'Usage: `/remix video_abc123 make it night` — the video id (shown under each video), then one change.',
      );
    }
    // A typed id is checked strictly (path tricks); ids from buttons come from the upstream.
    if (!isUserVideoId(parsed.videoId)) return tellUser(tell, VIDEO_ERROR_MESSAGES.badId);
    const [actor, source] = await Promise.all([
      deps.actors.actor(command.user_id, command.user_name),
      deps.engine.findJobByVideoId(parsed.videoId),
    ]);
    await submitOrTell(
      deps,
      {
        actor,
        place: placeNear(source, command.team_id, command.channel_id),
        prompt: parsed.prompt,
        remixOf: parsed.videoId,
        origin: command.trigger_id,
      },
      tell,
    );
  },
} satisfies SlackCommand;

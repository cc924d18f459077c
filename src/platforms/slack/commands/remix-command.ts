/**
 * `/remix <video_id> <change>`: a remix of a finished video, posted in that video's thread
 * when the bot made it in this workspace, so the thread shows the video's family.
 */
import { isUserVideoId } from '../../../video/video-id.ts';
import { acceptedOrTell, placeNear } from '../job-requests.ts';
import type { SlackCommand } from '../slack-handler-types.ts';
import { commandTell, tellRefusal, tellText } from '../tell-user.ts';
import { parseRemixText } from './parse-video-text.ts';

export default {
  name: '/remix',
  description: 'Remix a finished video with one change',
  usageHint: 'video_abc123 make it night',
  async execute(args, deps) {
    const { command } = args;
    await args.ack();
    const parsed = parseRemixText(command.text);
    const [actor, source] = await Promise.all([
      deps.actors.actor(command.user_id, command.user_name),
      parsed ? deps.engine.findJobByVideoId(parsed.videoId) : undefined,
    ]);
    const tell = commandTell(args, deps.logger, actor.locale);
    if (!parsed) return tellText(tell, 'reply.usageRemix');
    // A typed id is checked strictly (path tricks); ids from buttons come from the upstream.
    if (!isUserVideoId(parsed.videoId)) return tellRefusal(tell, { code: 'source_not_found' });
    const place = placeNear(source, command.team_id, command.channel_id, actor.locale);
    await acceptedOrTell(
      deps.engine.remixFromResult(parsed.videoId, parsed.prompt, actor, place, command.trigger_id),
      tell,
    );
  },
} satisfies SlackCommand;

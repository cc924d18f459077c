/**
 * Turning a user's request into an engine submission, shared by commands, buttons and modals:
 * where the job message goes (a remix or re-roll joins its source's thread) and the refusal,
 * if any, told privately.
 */
import type { VideoRequest } from '../../engine/engine-api.ts';
import type { Job } from '../../engine/job.ts';
import { escapeSlack } from './render/slack-text.ts';
import type { SlackDeps } from './slack-handler-types.ts';
import { type TellTarget, tellUser } from './tell-user.ts';

export type SlackPlace = VideoRequest['place'];

/** The thread a job's family lives in: its own thread, or the thread under its message. */
export function familyThread(job: Job): string | undefined {
  return job.place.threadRef ?? job.place.messageRef;
}

/**
 * Where a job derived from `source` goes: the source's channel and thread when it was made in
 * this Slack workspace; otherwise where the user asked.
 */
export function placeNear(source: Job | undefined, workspaceId: string, fallbackChannel: string): SlackPlace {
  if (source && source.place.platform === 'slack' && source.place.workspaceId === workspaceId) {
    const thread = familyThread(source);
    return {
      platform: 'slack',
      workspaceId,
      channelId: source.place.channelId,
      ...(thread ? { threadRef: thread } : {}),
    };
  }
  return { platform: 'slack', workspaceId, channelId: fallbackChannel };
}

/** Submit; a refusal is told to the requester (nothing was charged). True when accepted. */
export async function submitOrTell(
  deps: SlackDeps,
  request: VideoRequest,
  tell: TellTarget,
): Promise<boolean> {
  const outcome = await deps.engine.submit(request);
  if (outcome.ok) return true;
  // The engine's sentence may quote the user's own input.
  await tellUser(tell, escapeSlack(outcome.refusal.message));
  return false;
}

/**
 * Turning a user's request into an engine call, shared by commands, buttons and modals:
 * where the job message goes (a remix or re-roll joins its source's thread) and the refusal,
 * if any, told privately.
 */
import type { Outcome, Submitted, VideoRequest } from '../../engine/engine-api.ts';
import type { Job } from '../../engine/job.ts';
import { t } from '../../presentation/catalogue/catalogue.ts';
import { refusalText } from '../../presentation/refusal-text.ts';
import { escapeSlack } from './render/slack-text.ts';
import { type TellTarget, tellRefusal, tellUser } from './tell-user.ts';

export type SlackPlace = VideoRequest['place'];

/** The thread a job's family lives in: its own thread, or the thread under its message. */
export function familyThread(job: Job): string | undefined {
  return job.place.threadRef ?? job.place.messageRef;
}

/**
 * Where a job derived from `source` goes: the source's channel and thread when it was made in
 * this Slack workspace; otherwise where the user asked. `locale` is the requester's.
 */
export function placeNear(
  source: Job | undefined,
  workspaceId: string,
  fallbackChannel: string,
  locale: string | undefined,
): SlackPlace {
  const lang = locale ? { locale } : {};
  if (source && source.place.platform === 'slack' && source.place.workspaceId === workspaceId) {
    const thread = familyThread(source);
    return {
      platform: 'slack',
      workspaceId,
      channelId: source.place.channelId,
      ...(thread ? { threadRef: thread } : {}),
      ...lang,
    };
  }
  return { platform: 'slack', workspaceId, channelId: fallbackChannel, ...lang };
}

/** Wait for an engine call; a refusal is told to the requester (nothing was charged). True when accepted. */
export async function acceptedOrTell(
  pending: Promise<Outcome<Partial<Submitted>>>,
  tell: TellTarget,
): Promise<boolean> {
  const outcome = await pending;
  if (outcome.ok) {
    const { variantRefusal, variants, job } = outcome.value;
    if (variantRefusal) {
      const made = 1 + (variants?.length ?? 0);
      const reason = refusalText(tell.locale, variantRefusal, 'slack');
      const asked = job?.variant?.of ?? made + 1;
      await tellUser(tell, escapeSlack(t(tell.locale, 'reply.variantsStopped', { made, asked, reason })));
    }
    return true;
  }
  await tellRefusal(tell, outcome.refusal);
  return false;
}

/**
 * Plain, private answers to one person: through the command's or click's `response_url` when
 * there is one (works in any channel), else `chat.postEphemeral`.
 */
import type { RespondFn } from '@slack/bolt';
import type { Logger } from '../../log/logger.ts';
import type { WebClient } from './slack-handler-types.ts';

export interface TellTarget {
  client: WebClient;
  logger: Logger;
  channel: string;
  user: string;
  respond?: RespondFn;
}

/** `text` is ours (already safe mrkdwn); pass user-derived parts through `escapeSlack` first. */
export async function tellUser(to: TellTarget, text: string): Promise<void> {
  try {
    if (to.respond) {
      await to.respond({ response_type: 'ephemeral', replace_original: false, text });
      return;
    }
    await to.client.chat.postEphemeral({ channel: to.channel, user: to.user, text });
  } catch (err) {
    to.logger.warn('slack could not tell the user', { user: to.user, channel: to.channel, err });
  }
}

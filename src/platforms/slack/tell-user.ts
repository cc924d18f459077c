/**
 * Plain, private answers to one person, in their language: through the command's or click's
 * `response_url` when there is one (works in any channel), else `chat.postEphemeral`.
 */
import type { RespondFn } from '@slack/bolt';
import type { Refusal } from '../../engine/engine-api.ts';
import type { Logger } from '../../log/logger.ts';
import { type MessageKey, t, type Vars } from '../../presentation/catalogue/catalogue.ts';
import { refusalText } from '../../presentation/refusal-text.ts';
import { escapeSlack } from './render/slack-text.ts';
import type { CommandArgs, WebClient } from './slack-handler-types.ts';

export interface TellTarget {
  client: WebClient;
  logger: Logger;
  channel: string;
  user: string;
  respond?: RespondFn;
  /** The user's locale (from users.info); English when unknown. */
  locale?: string | undefined;
}

/** Where a slash command's private answers go: its `response_url`, in the caller's language. */
export function commandTell(
  { command, client, respond }: Pick<CommandArgs, 'command' | 'client' | 'respond'>,
  logger: Logger,
  locale?: string,
): TellTarget {
  return {
    client,
    logger,
    channel: command.channel_id,
    user: command.user_id,
    respond,
    ...(locale ? { locale } : {}),
  };
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

/** A catalogue message, in the user's language. */
export function tellText(to: TellTarget, key: MessageKey, vars?: Vars): Promise<void> {
  return tellUser(to, t(to.locale, key, vars));
}

/** A refusal from the engine, in the user's language (it may quote their input: escaped). */
export function tellRefusal(to: TellTarget, refusal: Refusal): Promise<void> {
  return tellUser(to, escapeSlack(refusalText(to.locale, refusal, 'slack')));
}

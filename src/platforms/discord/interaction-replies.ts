/**
 * Answering interactions: refusals are ephemeral and plain. A public deferral cannot become
 * ephemeral (and the first followup would replace it, staying public), so a refusal after a
 * public deferral deletes the deferred reply first and then sends an ephemeral followup.
 */
import { MessageFlags, type RepliableInteraction } from 'discord.js';
import type { Logger } from '../../log/logger.ts';

/** Send `content` only to the user, whatever state the interaction is in. */
export async function replyPrivately(
  i: RepliableInteraction,
  content: string,
  logger: Logger,
): Promise<void> {
  const body = { content, allowedMentions: { parse: [] } };
  try {
    if (i.deferred && i.ephemeral) {
      await i.editReply(body);
    } else if (i.deferred || i.replied) {
      if (!i.ephemeral) await i.deleteReply().catch(() => undefined);
      await i.followUp({ ...body, flags: MessageFlags.Ephemeral });
    } else {
      await i.reply({ ...body, flags: MessageFlags.Ephemeral });
    }
  } catch (err) {
    logger.warn('could not send a private reply', { interaction: i.id, err });
  }
}

/** Acknowledge at once; returns false when Discord no longer knows the interaction. */
export async function deferNow(
  i: RepliableInteraction,
  ephemeral: boolean,
  logger: Logger,
): Promise<boolean> {
  try {
    await i.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    return true;
  } catch (err) {
    logger.warn('could not acknowledge the interaction', { interaction: i.id, err });
    return false;
  }
}

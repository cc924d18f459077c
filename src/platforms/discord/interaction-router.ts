/**
 * Where every interaction goes, whichever way it arrived (gateway or HTTP): commands,
 * autocomplete, buttons and modals, each once. A repeat of an interaction id (a gateway replay,
 * a second instance, a redelivery) is dropped by the once-guard before any handler runs.
 */
import type { Client, Interaction } from 'discord.js';
import type { OnceGuard } from '../../engine/once-guard.ts';
import type { DiscordContext } from './command.ts';
import { commands } from './commands/index.ts';
import { handleButton, handleModal } from './component-handlers.ts';
import { t } from './i18n.ts';
import { replyPrivately } from './interaction-replies.ts';

export function interactionRouter(ctx: DiscordContext, once: OnceGuard): (i: Interaction) => void {
  return (i) =>
    void (async () => {
      if (!(await once.first(`discord:interaction:${i.id}`))) {
        ctx.logger.info('duplicate interaction dropped', { interaction: i.id });
        return;
      }
      await route(i, ctx);
    })();
}

async function route(i: Interaction, ctx: DiscordContext): Promise<void> {
  try {
    if (i.isChatInputCommand()) await commands.get(i.commandName)?.execute(i, ctx);
    else if (i.isAutocomplete()) await commands.get(i.commandName)?.autocomplete?.(i, ctx);
    else if (i.isButton()) await handleButton(i, ctx);
    else if (i.isModalSubmit()) await handleModal(i, ctx);
  } catch (err) {
    ctx.logger.error('interaction failed', { interaction: i.id, err });
    if (i.isRepliable()) await replyPrivately(i, t(i.locale, 'reply.failed'), ctx.logger);
  }
}

/** What discord.js's gateway handler for `INTERACTION_CREATE` does with a raw interaction. */
interface InteractionAction {
  actions: { InteractionCreate: { handle(data: unknown): void } };
}

/**
 * Build discord.js's interaction object from a raw interaction received over HTTP and emit
 * `interactionCreate` on `client`, through the same action the gateway uses, so the handlers
 * get the same objects either way (their replies go to the REST callback route).
 */
export function emitRawInteraction(client: Client, payload: Record<string, unknown>): void {
  // `entitlements` are resolved through `client.application`, which only a gateway READY creates;
  // the bot sells nothing, so they are dropped.
  (client as unknown as InteractionAction).actions.InteractionCreate.handle({ ...payload, entitlements: [] });
}

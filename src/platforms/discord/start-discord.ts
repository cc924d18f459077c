/**
 * Start the Discord adapter: a discord.js client (gateway + REST at `DISCORD_API_URL`), the
 * engine surface, slash command registration and interaction routing.
 */
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import type { Config } from '../../config/config.ts';
import type { EngineApi } from '../../engine/engine-api.ts';
import type { Logger } from '../../log/logger.ts';
import type { DiscordContext } from './command.ts';
import { commands } from './commands/index.ts';
import { handleButton, handleModal } from './component-handlers.ts';
import { DiscordSurface } from './discord-surface.ts';
import { t } from './i18n.ts';
import { imagePolicyFor } from './image-fetch.ts';
import { InteractionOrigins } from './interaction-origins.ts';
import { replyPrivately } from './interaction-replies.ts';
import { MessageEditor } from './message-editor.ts';
import { registerCommands } from './register-commands.ts';
import { streamingMakeRequest } from './streaming-request.ts';

export interface StartDiscordOptions {
  config: Config;
  engine: EngineApi;
  logger: Logger;
  /** Give up waiting for the gateway READY after this long. @default 30000 */
  readyTimeoutMs?: number;
}

export interface DiscordBot {
  client: Client<true>;
  surface: DiscordSurface;
  /** Disconnect from Discord. The engine keeps the jobs; a new adapter picks them up. */
  stop(): Promise<void>;
}

export async function startDiscord(o: StartDiscordOptions): Promise<DiscordBot> {
  const { config, engine } = o;
  const logger = o.logger.child({ platform: 'discord' });
  if (!config.DISCORD_TOKEN) throw new Error('DISCORD_TOKEN is not set: the Discord adapter cannot start');
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    // Video uploads are streamed from disk; the default transport would buffer them whole.
    rest: { api: config.DISCORD_API_URL, makeRequest: streamingMakeRequest() },
    allowedMentions: { parse: [] },
  });
  const origins = new InteractionOrigins();
  const editor = new MessageEditor(client.rest);
  const surface = new DiscordSurface({ editor, origins, logger });
  const ctx: DiscordContext = {
    engine,
    config,
    logger,
    origins,
    imagePolicy: imagePolicyFor(config.DISCORD_API_URL),
  };
  client.on(Events.InteractionCreate, (i) => void route(i, ctx));
  client.on(Events.Error, (err) => logger.error('discord client error', { err }));
  client.rest.on('rateLimited', (info) =>
    logger.debug('discord rate limit', {
      route: info.route,
      retryAfter: info.retryAfter,
      global: info.global,
    }),
  );

  const ready = once(client, Events.ClientReady, { signal: AbortSignal.timeout(o.readyTimeoutMs ?? 30_000) });
  try {
    await client.login(config.DISCORD_TOKEN);
    await ready;
  } catch (err) {
    await client.destroy();
    throw err;
  }
  if (!client.isReady()) throw new Error('discord client did not become ready');
  engine.attachSurface('discord', surface);
  try {
    await registerCommands({
      rest: client.rest,
      applicationId: client.application.id,
      guildId: config.DISCORD_GUILD_ID,
      choices: engine.choices,
      logger,
    });
  } catch (err) {
    // Commands registered earlier keep working; a failed refresh must not stop the bot.
    logger.warn('slash command registration failed', { err });
  }
  logger.info('discord adapter ready', { user: client.user.tag, guilds: client.guilds.cache.size });
  return {
    client,
    surface,
    stop: async () => {
      await client.destroy();
    },
  };
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

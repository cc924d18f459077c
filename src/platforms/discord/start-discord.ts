/**
 * Start the Discord adapter: the engine surface (REST at `DISCORD_API_URL`), slash command
 * registration and interaction routing, with interactions arriving one of three ways:
 * - the gateway, held by this process (one instance, the default);
 * - the gateway under a lease (several instances: one holds the connection at a time, the
 *   others take over when it dies, and every instance edits and uploads job messages by REST);
 * - HTTP interactions through an {@link InteractionEndpoint} (any instance answers; no gateway).
 */
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type Interaction, Routes } from 'discord.js';
import type { Config } from '../../config/config.ts';
import type { EngineApi } from '../../engine/engine-api.ts';
import { MemoryOnceGuard, type OnceGuard } from '../../engine/once-guard.ts';
import type { LeaseHooks } from '../../engine/redis-lease.ts';
import type { Logger } from '../../log/logger.ts';
import type { GalleryLinks } from '../gallery-links.ts';
import type { DiscordContext } from './command.ts';
import { DiscordSurface } from './discord-surface.ts';
import { imagePolicyFor } from './image-fetch.ts';
import { answeringInline } from './inline-answers.ts';
import type { InteractionEndpoint } from './interaction-endpoint.ts';
import { InteractionOrigins } from './interaction-origins.ts';
import { emitRawInteraction, interactionRouter } from './interaction-router.ts';
import { MessageEditor } from './message-editor.ts';
import { registerCommands } from './register-commands.ts';
import { streamingMakeRequest } from './streaming-request.ts';

/** Interactions live 15 minutes: a repeat after that cannot be answered anyway. */
const INTERACTION_ONCE_TTL_MS = 15 * 60_000;

export interface StartDiscordOptions {
  config: Config;
  engine: EngineApi;
  logger: Logger;
  /** Give up waiting for the gateway READY after this long. @default 30000 */
  readyTimeoutMs?: number;
  /** HTTP interactions: interactions come from this endpoint and no gateway is opened. */
  endpoint?: InteractionEndpoint;
  /** Several instances on the gateway: the lease (built around the hooks) decides who connects. */
  gatewayLease?: (hooks: LeaseHooks) => { start(): void; stop(): Promise<void> };
  /** Drops repeated interaction ids. @default one process's memory */
  once?: OnceGuard;
  /** Signed links for `/gallery`; absent: the command says the gallery is off. */
  gallery?: GalleryLinks;
}

export type DiscordMode = 'gateway' | 'gateway-lease' | 'http';

export interface DiscordBot {
  mode: DiscordMode;
  surface: DiscordSurface;
  /** Disconnect from Discord. The engine keeps the jobs; a new adapter picks them up. */
  stop(): Promise<void>;
}

export async function startDiscord(o: StartDiscordOptions): Promise<DiscordBot> {
  const { config, engine } = o;
  const logger = o.logger.child({ platform: 'discord' });
  const token = config.DISCORD_TOKEN;
  if (!token) throw new Error('DISCORD_TOKEN is not set: the Discord adapter cannot start');
  // REST for the surface, commands and (HTTP mode) interaction replies; logs in only in the
  // one-instance gateway mode, where it is also the gateway client, as it always was.
  const client = newClient(config, logger, o.endpoint);
  client.rest.setToken(token);
  const origins = new InteractionOrigins();
  const surface = new DiscordSurface({ editor: new MessageEditor(client.rest), origins, logger });
  const ctx: DiscordContext = {
    engine,
    config,
    logger,
    origins,
    imagePolicy: imagePolicyFor(config.DISCORD_API_URL),
    gallery: o.gallery,
  };
  const onInteraction = interactionRouter(ctx, o.once ?? new MemoryOnceGuard(INTERACTION_ONCE_TTL_MS));
  let mode: DiscordMode;
  let applicationId: string;
  let stopReceiving: () => Promise<void>;
  if (o.endpoint) {
    mode = 'http';
    const endpoint = o.endpoint;
    client.on(Events.InteractionCreate, onInteraction);
    endpoint.attach((payload) => emitRawInteraction(client, payload));
    stopReceiving = async () => {
      endpoint.detach();
      await client.destroy();
    };
    applicationId = await currentApplicationId(client);
  } else if (o.gatewayLease) {
    mode = 'gateway-lease';
    let gateway: Client | undefined;
    const lease = o.gatewayLease({
      acquired: async () => {
        gateway = await connectGateway(newClient(config, logger), token, onInteraction, o.readyTimeoutMs);
        logger.info('discord gateway connected (this instance holds the lease)');
      },
      lost: async () => {
        const g = gateway;
        gateway = undefined;
        await g?.destroy();
        if (g) logger.info('discord gateway disconnected (lease given up)');
      },
    });
    applicationId = await currentApplicationId(client);
    lease.start();
    stopReceiving = async () => {
      await lease.stop();
      await client.destroy();
    };
  } else {
    mode = 'gateway';
    const ready = await connectGateway(client, token, onInteraction, o.readyTimeoutMs);
    applicationId = ready.application.id;
    stopReceiving = () => client.destroy();
  }
  engine.attachSurface('discord', surface);
  try {
    await registerCommands({
      rest: client.rest,
      applicationId,
      guildId: config.DISCORD_GUILD_ID,
      choices: engine.choices,
      logger,
    });
  } catch (err) {
    // Commands registered earlier keep working; a failed refresh must not stop the bot.
    logger.warn('slash command registration failed', { err });
  }
  logger.info('discord adapter ready', { mode });
  return { mode, surface, stop: stopReceiving };
}

function newClient(config: Config, logger: Logger, endpoint?: InteractionEndpoint): Client {
  // Video uploads are streamed from disk; the default transport would buffer them whole. With
  // HTTP interactions, dialogs and autocomplete choices go back in the open HTTP request.
  const transport = streamingMakeRequest();
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: {
      api: config.DISCORD_API_URL,
      makeRequest: endpoint ? answeringInline(endpoint, transport) : transport,
    },
    allowedMentions: { parse: [] },
  });
  client.on(Events.Error, (err) => logger.error('discord client error', { err }));
  client.rest.on('rateLimited', (info) =>
    logger.debug('discord rate limit', {
      route: info.route,
      retryAfter: info.retryAfter,
      global: info.global,
    }),
  );
  return client;
}

/** Log `client` in and wait for READY; destroys it and throws when that fails. */
async function connectGateway(
  client: Client,
  token: string,
  onInteraction: (i: Interaction) => void,
  readyTimeoutMs = 30_000,
): Promise<Client<true>> {
  client.on(Events.InteractionCreate, onInteraction);
  const ready = once(client, Events.ClientReady, { signal: AbortSignal.timeout(readyTimeoutMs) });
  try {
    await client.login(token);
    await ready;
  } catch (err) {
    await client.destroy();
    throw err;
  }
  if (!client.isReady()) throw new Error('discord client did not become ready');
  return client;
}

/** The application id without a gateway READY (needed to register commands). */
async function currentApplicationId(client: Client): Promise<string> {
  const app = (await client.rest.get(Routes.currentApplication())) as { id: string };
  return app.id;
}

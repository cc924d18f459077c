/**
 * Starts the Slack side of the bot: a Bolt app in Socket Mode (`SLACK_APP_TOKEN`, no public URL)
 * or, when `SLACK_SIGNING_SECRET` and `SLACK_PORT` are set, HTTP mode (Bolt verifies each
 * request's signature and refuses timestamps older than 5 minutes). Registers the Slack
 * `Surface` with the engine and the commands, buttons and modals with Bolt.
 * Everything lives in the returned object: several bots (or Discord beside it) can share a process.
 */
import { App, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Config } from '../../config/config.ts';
import type { EngineApi } from '../../engine/engine-api.ts';
import { MemoryOnceGuard, type OnceGuard } from '../../engine/once-guard.ts';
import type { Logger } from '../../log/logger.ts';
import { isLoopbackUrl } from '../../net/loopback.ts';
import type { GalleryLinks } from '../gallery-links.ts';
import { ActorResolver } from './actor-resolver.ts';
import { boltLevel, boltLogger } from './bolt-logger.ts';
import { SLACK_COMMANDS } from './commands/slack-commands.ts';
import cancelButton from './interactions/cancel-button.ts';
import { editButton, extendButton } from './interactions/derived-buttons.ts';
import { editModalSubmit, extendModalSubmit } from './interactions/derived-modal-submit.ts';
import remixButton from './interactions/remix-button.ts';
import remixModalSubmit from './interactions/remix-modal-submit.ts';
import rerollButton from './interactions/reroll-button.ts';
import { TEAM_BUTTONS } from './interactions/team-buttons.ts';
import videoModalSubmit from './interactions/video-modal-submit.ts';
import { onceMiddleware } from './once-middleware.ts';
import { slackFileOrigins } from './slack-file-fetch.ts';
import type { SlackButton, SlackDeps, SlackModalSubmit } from './slack-handler-types.ts';
import { SlackSurface } from './slack-surface.ts';
import { tellText } from './tell-user.ts';

type RetryOptions = webApi.RetryOptions;

export interface SlackStartOptions {
  /** Web API retry policy. @default rapid retries for a loopback `SLACK_API_URL` (tests), else Slack's ten retries in about thirty minutes */
  retryConfig?: RetryOptions;
  /** Socket Mode ping timeout; also the step of its reconnect back-off. @default 5000 */
  socketPingTimeoutMs?: number;
  /** Largest MP4 uploaded to Slack; bigger results get a link. @default 1 GiB */
  maxUploadBytes?: number;
  /** Largest image accepted from the form's file input. @default 20 MiB */
  maxImageBytes?: number;
  /** HTTP mode: interface to listen on. @default all interfaces */
  httpHost?: string;
}

export const SLACK_DEFAULTS = {
  socketPingTimeoutMs: 5000,
  maxUploadBytes: 1024 ** 3,
  maxImageBytes: 20 * 1024 ** 2,
} as const satisfies Partial<Required<SlackStartOptions>>;

export interface SlackBot {
  app: App;
  mode: 'socket' | 'http';
  /** HTTP mode: the port actually listened on (`SLACK_PORT=0` picks a free one). */
  port?: number;
  surface: SlackSurface;
  /** Stop receiving; jobs keep running in the engine and resume on the next start. */
  stop(): Promise<void>;
}

const BUTTONS: readonly SlackButton[] = [
  remixButton,
  rerollButton,
  cancelButton,
  extendButton,
  editButton,
  ...TEAM_BUTTONS,
];
const MODALS: readonly SlackModalSubmit[] = [
  videoModalSubmit,
  remixModalSubmit,
  extendModalSubmit,
  editModalSubmit,
];

/** Start Slack. Throws when the configuration has no usable mode. */
export async function startSlack(args: {
  config: Config;
  engine: EngineApi;
  logger: Logger;
  options?: SlackStartOptions;
  /** Drops retried deliveries (across instances when it is in Redis). @default this process's memory */
  once?: OnceGuard;
  /** Signed links for `/gallery`; absent: the command says the gallery is off. */
  gallery?: GalleryLinks;
}): Promise<SlackBot> {
  const { config, engine } = args;
  const o = { ...SLACK_DEFAULTS, ...args.options };
  const logger = args.logger.child({ platform: 'slack' });
  const token = config.SLACK_BOT_TOKEN;
  if (!token) throw new Error('Slack needs SLACK_BOT_TOKEN (xoxb-...)');
  const http = config.SLACK_SIGNING_SECRET !== undefined && config.SLACK_PORT !== undefined;
  if (!http && !config.SLACK_APP_TOKEN) {
    throw new Error(
      'Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET and SLACK_PORT (HTTP mode)',
    );
  }
  const level = boltLevel(config.LOG_LEVEL);
  const bLogger = boltLogger(logger, level);
  const loopback = isLoopbackUrl(config.SLACK_API_URL);
  const retryConfig =
    o.retryConfig ??
    (loopback ? webApi.retryPolicies.rapidRetryPolicy : webApi.retryPolicies.tenRetriesInAboutThirtyMinutes);
  // Fresh objects each time: Bolt and the Socket Mode client write into the options they are given.
  const clientOptions = () => ({ slackApiUrl: config.SLACK_API_URL, retryConfig, logger: bLogger });
  // The Socket Mode client keeps its own, near-endless retries for apps.connections.open
  // (a long Slack outage must not end reconnecting), unless a policy was given or this is a local fake.
  const socketRetry = o.retryConfig ?? (loopback ? retryConfig : undefined);
  const socketClientOptions = () => ({
    slackApiUrl: config.SLACK_API_URL,
    logger: bLogger,
    ...(socketRetry ? { retryConfig: socketRetry } : {}),
  });

  const receiver = http
    ? new HTTPReceiver({
        signingSecret: config.SLACK_SIGNING_SECRET ?? '',
        endpoints: '/slack/events',
        logger: bLogger,
        installerOptions: { clientOptions: clientOptions() },
      })
    : new SocketModeReceiver({
        appToken: config.SLACK_APP_TOKEN ?? '',
        logger: bLogger,
        clientPingTimeout: o.socketPingTimeoutMs,
        installerOptions: { clientOptions: socketClientOptions() },
      });
  const app = new App({
    token,
    receiver,
    logger: bLogger,
    logLevel: level,
    clientOptions: clientOptions(),
    convoStore: false,
  });

  const deps: SlackDeps = {
    engine,
    logger,
    actors: new ActorResolver(app.client, config.ADMIN_USERS, logger),
    images: { token, allowedOrigins: slackFileOrigins(config.SLACK_API_URL), maxBytes: o.maxImageBytes },
    gallery: args.gallery,
  };
  // First, so a retried delivery reaches no handler.
  app.use(onceMiddleware(args.once ?? new MemoryOnceGuard(), logger));
  register(app, deps);
  const surface = new SlackSurface({
    client: app.client,
    logger,
    resultInThread: config.SLACK_RESULT_IN_THREAD,
    maxUploadBytes: o.maxUploadBytes,
  });
  engine.attachSurface('slack', surface);

  let port: number | undefined;
  if (http) {
    const server = (await app.start({
      port: config.SLACK_PORT ?? 3000,
      ...(o.httpHost ? { host: o.httpHost } : {}),
    })) as unknown as { address(): { port: number } | string | null };
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : config.SLACK_PORT;
  } else {
    await app.start();
  }
  logger.info('slack started', { mode: http ? 'http' : 'socket', ...(port !== undefined ? { port } : {}) });
  return {
    app,
    mode: http ? 'http' : 'socket',
    ...(port !== undefined ? { port } : {}),
    surface,
    stop: async () => {
      if (receiver instanceof SocketModeReceiver) await closeSocket(receiver);
      else await app.stop();
      logger.info('slack stopped');
    },
  };
}

/**
 * Bolt's `stop()` resolves before the WebSocket has closed; wait for the close handshake so
 * nothing is left half-open (bounded, in case Slack never answers it).
 */
async function closeSocket(receiver: SocketModeReceiver): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bounded = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 5000);
  });
  await Promise.race([receiver.client.disconnect(), bounded]);
  clearTimeout(timer);
}

/** Wire every command, button and modal; a handler's crash is logged and the user told plainly. */
function register(app: App, deps: SlackDeps): void {
  const { logger } = deps;
  for (const command of SLACK_COMMANDS) {
    app.command(command.name, async (a) => {
      try {
        await command.execute(a, deps);
      } catch (err) {
        logger.error('slack command failed', { command: command.name, err });
        const to = {
          client: a.client,
          logger,
          channel: a.command.channel_id,
          user: a.command.user_id,
          respond: a.respond,
        };
        await tellText({ ...to, locale: deps.actors.cachedLocale(a.command.user_id) }, 'reply.failed');
      }
    });
  }
  for (const button of BUTTONS) {
    app.action({ type: 'block_actions', action_id: button.actionId }, async (a) => {
      try {
        await button.execute(a as Parameters<SlackButton['execute']>[0], deps);
      } catch (err) {
        logger.error('slack button failed', { action: button.actionId, err });
      }
    });
  }
  for (const modal of MODALS) {
    app.view({ type: 'view_submission', callback_id: modal.callbackId }, async (a) => {
      try {
        await modal.execute(a as Parameters<SlackModalSubmit['execute']>[0], deps);
      } catch (err) {
        logger.error('slack form failed', { callbackId: modal.callbackId, err });
      }
    });
  }
  app.error(async (err) => {
    logger.error('slack app error', { err });
  });
}

/**
 * `npm start`: the bot. Reads the configuration once, starts the upstream (the configured
 * `/v1/videos` server or the built-in simulator), the engine and every configured chat
 * platform, and shuts down gracefully on SIGTERM/SIGINT (jobs resume on the next start).
 */
import { startUpstream } from './app/upstream.ts';
import { type Config, ConfigError, loadConfig } from './config/config.ts';
import { createEngineFromConfig } from './engine/create-engine.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { startDiscord } from './platforms/discord/start-discord.ts';
import { startSlack } from './platforms/slack/start-slack.ts';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 10_000;

const NO_PLATFORM = `reelbot has no chat platform to join. Set at least one in .env (see .env.example):
  Discord: DISCORD_TOKEN (and DISCORD_GUILD_ID for instant command registration) — README "Discord setup"
  Slack:   SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) — README "Slack setup"
Meanwhile the engine works from the terminal: npm run cli -- video "a red fox in snow" --out fox.mp4
`;

interface Running {
  stop(): Promise<void>;
}

async function start(config: Config, logger: Logger): Promise<Running> {
  const upstream = await startUpstream(config, { logger: logger.child({ component: 'simulator' }) });
  if (upstream.simulated) {
    logger.warn('no VIDEO_API_BASE_URL: videos come from the built-in simulator (labelled in every message)');
  }
  const engine = await createEngineFromConfig(config, {
    logger: logger.child({ component: 'engine' }),
    simulatorBaseUrl: upstream.baseUrl,
    simulatorApiKey: upstream.apiKey,
  });
  const stops: Array<() => Promise<void>> = [];
  try {
    // Platforms first, so jobs resumed by the engine find their surfaces attached.
    if (config.DISCORD_TOKEN) {
      const discord = await startDiscord({ config, engine, logger });
      stops.push(() => discord.stop());
    }
    if (config.SLACK_BOT_TOKEN) {
      const slack = await startSlack({ config, engine, logger });
      stops.push(() => slack.stop());
    }
    const report = await engine.start();
    logger.info('reelbot is running', { resumed: report, simulated: upstream.simulated });
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await engine.stop().catch(() => undefined);
    await upstream.close();
    throw err;
  }
  return {
    async stop() {
      for (const stop of stops.reverse()) {
        await stop().catch((err: unknown) => logger.warn('platform did not stop cleanly', { err }));
      }
      await engine.stop();
      await upstream.close();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  if (!config.DISCORD_TOKEN && !config.SLACK_BOT_TOKEN) {
    process.stderr.write(NO_PLATFORM);
    process.exit(2);
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  let running: Running;
  try {
    running = await start(config, logger);
  } catch (err) {
    logger.error('reelbot could not start', { err });
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting (jobs resume on the next start)');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    timer.unref();
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

await main();

/**
 * `npm start`: the bot. Reads the configuration once, starts the upstream (the configured
 * `/v1/videos` server or the built-in simulator), the engine and every configured chat
 * platform (see `app/run-bot.ts`), and shuts down gracefully on SIGTERM/SIGINT: stop taking work,
 * let in-flight writes finish, close within 10 s; jobs resume on the next start.
 */
import { type RunningBot, startBot } from './app/run-bot.ts';
import { type Config, ConfigError, configSecrets, loadConfig } from './config/config.ts';
import { StoreError } from './engine/store.ts';
import { createLogger } from './log/logger.ts';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 10_000;

const NO_PLATFORM = `reelbot has no chat platform to join. Set at least one in .env (see .env.example):
  Discord: DISCORD_TOKEN (and DISCORD_GUILD_ID for instant command registration) — docs/discord.md
  Slack:   SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) — docs/slack.md
Meanwhile the engine works from the terminal: npm run cli -- video "a red fox in snow" --out fox.mp4
`;

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
  const logger = createLogger({ level: config.LOG_LEVEL, secrets: configSecrets(config) });
  let running: RunningBot;
  try {
    running = await startBot(config, logger);
  } catch (err) {
    logger.error('reelbot could not start', { err });
    // A refusal that says what to do (e.g. the store is held by another process) also reads plainly.
    if (err instanceof StoreError) process.stderr.write(`reelbot cannot start: ${err.message}\n`);
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
      () => {
        logger.info('stopped; unfinished jobs resume on the next start');
        process.exit(0);
      },
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

/**
 * `npm run register`: register the slash commands once, without starting the bot
 * (to `DISCORD_GUILD_ID` when set — instant — else globally).
 */
import { type APIApplication, REST, Routes } from 'discord.js';
import { ConfigError, configSecrets, loadConfig } from '../../config/config.ts';
import { createLogger } from '../../log/logger.ts';
import { registerCommands } from './register-commands.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, secrets: configSecrets(config) });
  if (!config.DISCORD_TOKEN) {
    logger.error(
      'DISCORD_TOKEN is not set: put the bot token from the Developer Portal (Bot → Token) in .env',
    );
    process.exitCode = 1;
    return;
  }
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  const applicationId =
    config.DISCORD_APPLICATION_ID ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  await registerCommands({
    rest,
    applicationId,
    guildId: config.DISCORD_GUILD_ID,
    choices: { models: config.VIDEO_MODELS, sizes: config.VIDEO_SIZES, seconds: config.VIDEO_SECONDS },
    logger,
  });
  process.stdout.write(
    config.DISCORD_GUILD_ID
      ? `Commands registered in guild ${config.DISCORD_GUILD_ID}.\n`
      : 'Commands registered globally (they can take a while to appear).\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : `registration failed: ${(err as Error).message}`}\n`,
  );
  process.exitCode = 1;
});

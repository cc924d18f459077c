/**
 * Register the slash commands with a bulk overwrite: to one guild when `DISCORD_GUILD_ID` is set
 * (instant), else globally. Skipped when the same set was already sent through this client.
 */
import { createHash } from 'node:crypto';
import { type REST, Routes } from 'discord.js';
import type { EngineApi } from '../../engine/engine-api.ts';
import type { Logger } from '../../log/logger.ts';
import { commands } from './commands/index.ts';

/** Hash of the last set registered per scope, per REST client (a new client registers again). */
const registered = new WeakMap<REST, Map<string, string>>();

/** The command definitions for the configured choices. */
export function commandDefinitions(choices: EngineApi['choices']) {
  return [...commands.values()].map((c) => c.data(choices));
}

export interface RegisterOptions {
  rest: REST;
  applicationId: string;
  guildId?: string | undefined;
  choices: EngineApi['choices'];
  logger: Logger;
}

/** Returns `'registered'`, or `'unchanged'` when this exact set was already sent. Throws on REST errors. */
export async function registerCommands(o: RegisterOptions): Promise<'registered' | 'unchanged'> {
  const body = commandDefinitions(o.choices);
  const scope = o.guildId ? `guild:${o.guildId}` : 'global';
  const hash = createHash('sha256')
    .update(`${o.applicationId}|${JSON.stringify(body)}`)
    .digest('hex');
  let seen = registered.get(o.rest);
  if (!seen) {
    seen = new Map();
    registered.set(o.rest, seen);
  }
  if (seen.get(scope) === hash) return 'unchanged';
  const route = o.guildId
    ? Routes.applicationGuildCommands(o.applicationId, o.guildId)
    : Routes.applicationCommands(o.applicationId);
  await o.rest.put(route, { body });
  seen.set(scope, hash);
  o.logger.info('slash commands registered', { scope, count: body.length });
  return 'registered';
}

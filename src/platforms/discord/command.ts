/**
 * The shape of a slash command module (`export default { data, execute } satisfies Command`)
 * and what every handler gets.
 */
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Config } from '../../config/config.ts';
import type { EngineApi } from '../../engine/engine-api.ts';
import type { Logger } from '../../log/logger.ts';
import type { GalleryLinks } from '../gallery-links.ts';
import type { ImagePolicy } from './image-fetch.ts';
import type { InteractionOrigins } from './interaction-origins.ts';

export interface DiscordContext {
  engine: EngineApi;
  config: Config;
  logger: Logger;
  origins: InteractionOrigins;
  imagePolicy: ImagePolicy;
  /** Signed gallery links; absent when the gallery is off. */
  gallery?: GalleryLinks | undefined;
}

export interface Command {
  /** The command definition; choices come from the engine's configuration. */
  data(choices: EngineApi['choices']): RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(i: ChatInputCommandInteraction, ctx: DiscordContext): Promise<void>;
  autocomplete?(i: AutocompleteInteraction, ctx: DiscordContext): Promise<void>;
}

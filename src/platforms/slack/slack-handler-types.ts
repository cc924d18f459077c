/**
 * The shapes of the adapter's handlers: commands, button actions and modal submissions are
 * data (`{ name, execute }`), registered on the Bolt app in one place.
 */
import type {
  AllMiddlewareArgs,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
  webApi,
} from '@slack/bolt';
import type { EngineApi } from '../../engine/engine-api.ts';
import type { Logger } from '../../log/logger.ts';
import type { GalleryLinks } from '../gallery-links.ts';
import type { ActorResolver } from './actor-resolver.ts';
import type { SlackFileFetchOptions } from './slack-file-fetch.ts';

export type WebClient = InstanceType<typeof webApi.WebClient>;

/** What every handler may use. One per `startSlack` call: no global state. */
export interface SlackDeps {
  engine: EngineApi;
  logger: Logger;
  actors: ActorResolver;
  /** Where and how modal images are downloaded. */
  images: SlackFileFetchOptions;
  /** Signed gallery links; absent when the gallery is off. */
  gallery?: GalleryLinks | undefined;
}

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export interface SlackCommand {
  /** The slash command, e.g. `/video` (as in manifest.yml). */
  name: string;
  description: string;
  usageHint: string;
  execute(args: CommandArgs, deps: SlackDeps): Promise<void>;
}

export interface SlackButton {
  actionId: string;
  execute(args: ButtonArgs, deps: SlackDeps): Promise<void>;
}

export interface SlackModalSubmit {
  callbackId: string;
  execute(args: ViewArgs, deps: SlackDeps): Promise<void>;
}

/**
 * What every fake REST handler gets, and the interaction-token checks shared by the webhook
 * and callback routes.
 */
import type { FakeState, StoredInteraction } from './fake-state.ts';
import type { Fixtures } from './fixtures.ts';
import { errors, type RateLimiter } from './http-io.ts';
import type { MessageContext } from './message-ops.ts';

export interface RestOptions {
  botToken: string;
  /** Time allowed for the initial interaction response, ms. */
  ackWindowMs: number;
  /** Interaction token lifetime, ms. */
  tokenLifetimeMs: number;
}

export interface RestContext {
  state: FakeState;
  fixtures: Fixtures;
  options: RestOptions;
  limiter: RateLimiter;
  origin: () => string;
  gatewayUrl: () => string;
}

/** The interaction behind a webhook token, enforcing the token lifetime. */
export function liveInteraction(ctx: RestContext, app: string, tok: string): StoredInteraction {
  const i = ctx.state.interactionByToken(tok);
  if (!i || app !== ctx.fixtures.applicationId) throw errors.unknownWebhook();
  if (Date.now() - i.createdAt > ctx.options.tokenLifetimeMs) throw errors.invalidWebhookToken();
  return i;
}

export function interactionContext(ctx: RestContext, i: StoredInteraction): MessageContext {
  return {
    state: ctx.state,
    origin: ctx.origin(),
    author: ctx.fixtures.bot,
    guildId: i.guildId,
    channelId: i.channelId,
    uploadLimit: i.attachmentSizeLimit,
  };
}

/** `interaction_metadata` on messages created in response to an interaction. */
export function interactionMetadata(i: StoredInteraction): Record<string, unknown> {
  return {
    id: i.id,
    type: i.type,
    user: i.user,
    authorizing_integration_owners: { '0': i.guildId },
    ...(i.sourceMessageId ? { interacted_message_id: i.sourceMessageId } : {}),
  };
}

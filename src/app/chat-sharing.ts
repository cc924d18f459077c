/**
 * How the chat platforms share work with other instances of the bot: one duplicate check for
 * Discord interactions and Slack deliveries (in Redis with `REDIS_URL`, else in this process),
 * Discord HTTP interactions with `DISCORD_PUBLIC_KEY`, and otherwise, with `REDIS_URL`, a lease
 * so that one instance at a time holds the Discord gateway.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import { MemoryOnceGuard, type OnceGuard, RedisOnceGuard } from '../engine/once-guard.ts';
import { type LeaseHooks, RedisLease } from '../engine/redis-lease.ts';
import type { Logger } from '../log/logger.ts';
import { InteractionEndpoint } from '../platforms/discord/interaction-endpoint.ts';

/** How the chat platforms share work with other instances. */
export interface ChatSharing {
  /** Drops repeated interactions and events: across instances with Redis, else in this process. */
  once: OnceGuard;
  /** `DISCORD_PUBLIC_KEY`: Discord interactions over HTTP on the ops server. */
  endpoint: InteractionEndpoint | undefined;
  /** `REDIS_URL` without HTTP interactions: the gateway lease. */
  gatewayLease: ((hooks: LeaseHooks) => RedisLease) | undefined;
}

/** The Redis key of the Discord gateway lease (one connection per bot token). */
export const DISCORD_GATEWAY_LEASE_KEY = 'reelbot:discord:gateway';

export function chatSharing(config: Config, redis: Redis | undefined, logger: Logger): ChatSharing {
  const discordLogger = logger.child({ component: 'discord' });
  const endpoint =
    config.DISCORD_TOKEN && config.DISCORD_PUBLIC_KEY
      ? new InteractionEndpoint({ publicKey: config.DISCORD_PUBLIC_KEY, logger: discordLogger })
      : undefined;
  return {
    once: redis ? new RedisOnceGuard(redis, logger.child({ component: 'once' })) : new MemoryOnceGuard(),
    endpoint,
    gatewayLease:
      redis && !endpoint
        ? (hooks) => new RedisLease(redis, hooks, discordLogger, { key: DISCORD_GATEWAY_LEASE_KEY })
        : undefined,
  };
}

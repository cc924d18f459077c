/**
 * The one owner of Redis connections in distributed mode (`REDIS_URL`): every ioredis client
 * (BullMQ queues and workers, quota scripts, delivery guards, pub/sub, the platforms' gateway
 * lease) is made here, with the options BullMQ requires.
 */
import { Redis } from 'ioredis';

/**
 * A new ioredis connection to `url` (`redis://` or `rediss://`). `maxRetriesPerRequest: null`
 * is what BullMQ workers need (a blocking command must wait through a reconnect rather than
 * fail), and commands queue while disconnected, so a Redis restart delays work instead of
 * losing it. The caller owns the connection and calls `quit()` (or `disconnect()`) when done.
 */
export function openRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // Reconnect quickly at first, then every 2 s at most: a restarted Redis is picked up again.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    lazyConnect: false,
  });
}

/** The one way the bot opens a Redis connection (BullMQ needs `maxRetriesPerRequest: null`). */
import { Redis } from 'ioredis';

export function openRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

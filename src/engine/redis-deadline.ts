/**
 * A deadline for one Redis command. The bot's connection queues commands while Redis is away
 * (BullMQ needs that), so without a deadline a duplicate check could hold an interaction past
 * Discord's 3 s, or a lease renewal could hang while the lease runs out.
 */
export class RedisDeadlineError extends Error {
  override name = 'RedisDeadlineError';
}

/** `call`, or a {@link RedisDeadlineError} after `ms` (the command itself may still run later). */
export function withRedisDeadline<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisDeadlineError(`redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([call, late]).finally(() => clearTimeout(timer));
}

/**
 * Slack delivers an event again when it thinks the first delivery failed (an ack too late, a
 * connection that dropped, `X-Slack-Retry-Num` in HTTP mode), possibly to another connection or
 * instance. This global middleware lets each command, click, form or event through once: a
 * repeat is acknowledged (so Slack stops retrying) and dropped. The key is what stays the same
 * across retries: the `trigger_id` of commands and interactions, the `event_id` of events.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { OnceGuard } from '../../engine/once-guard.ts';
import type { Logger } from '../../log/logger.ts';

/** The retry-stable id of a Slack request body, when it has one. */
export function slackDeliveryKey(body: unknown): string | undefined {
  const b = body as { trigger_id?: unknown; event_id?: unknown };
  if (typeof b.event_id === 'string' && b.event_id) return `slack:event:${b.event_id}`;
  if (typeof b.trigger_id === 'string' && b.trigger_id) return `slack:trigger:${b.trigger_id}`;
  return undefined;
}

export function onceMiddleware(once: OnceGuard, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const key = slackDeliveryKey(args.body);
    if (key === undefined || (await once.first(key))) {
      await args.next();
      return;
    }
    logger.info('duplicate Slack delivery dropped', { key, retryNum: args.context.retryNum });
    // Events were acknowledged by Bolt already; the rest get an empty ack here.
    const ack = (args as { ack?: () => Promise<void> }).ack;
    await ack?.();
  };
}

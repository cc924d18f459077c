/** A refusal (code and values from the engine) as the requester reads it, in their language. */
import type { Refusal } from '../engine/engine-api.ts';
import type { Platform } from '../engine/job.ts';
import { type MessageKey, t } from './catalogue/catalogue.ts';

/**
 * The sentence for `refusal` in `locale`. `platform` names the place a workspace cap applies to
 * (a Discord server, a Slack workspace); `nowMs` is when the reset time is counted from.
 */
export function refusalText(
  locale: string | undefined,
  refusal: Refusal,
  platform: Platform,
  nowMs: number = Date.now(),
): string {
  const v = refusal.values ?? {};
  const key = variantKey(refusal);
  const resets = v.resetsAt !== undefined ? resetsIn(locale, v.resetsAt - nowMs, v.timeZone ?? 'UTC') : '';
  return t(locale, key, {
    detail: v.detail ?? '',
    feature: v.feature ?? '',
    used: v.used ?? 0,
    limit: v.limit ?? 0,
    requested: v.requested ?? 0,
    left: Math.max(0, (v.limit ?? 0) - (v.used ?? 0)),
    place: t(locale, `place.${platform}`),
    resets,
    term: v.term ?? '',
    subject: v.subject ? t(locale, `policy.${v.subject}`) : '',
  }).trim();
}

function variantKey(refusal: Refusal): MessageKey {
  const v = refusal.values ?? {};
  if (refusal.code === 'source_not_completed' && v.sourceEnded) return 'refusal.source_not_completed.ended';
  if (refusal.code === 'unavailable' && v.reason) return `refusal.unavailable.${v.reason}`;
  return `refusal.${refusal.code}`;
}

/** "in 1 h 30 min (midnight Europe/Berlin)": how long until the quota day ends. */
export function resetsIn(locale: string | undefined, msLeft: number, timeZone: string): string {
  const minutes = Math.max(1, Math.round(msLeft / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const duration = h > 0 ? t(locale, 'time.hoursMinutes', { h, m }) : t(locale, 'time.minutes', { m });
  return t(locale, 'time.resetsIn', { duration, timeZone });
}

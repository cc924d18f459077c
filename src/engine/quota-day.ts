/**
 * Quota day maths: which calendar day (in the quota time zone) a moment belongs to, and
 * when that day ends. Uses only `Intl.DateTimeFormat`, so DST changes and zones whose
 * midnight is skipped are handled by the platform's time zone data.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** `YYYY-MM-DD` of `atMs` in `timeZone`. */
export function quotaDay(atMs: number, timeZone: string): string {
  const parts = formatter(timeZone).formatToParts(new Date(atMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The first moment (ms epoch) after `atMs` that belongs to the next quota day.
 * Found by bisection, so it is right even on 23- and 25-hour days.
 */
export function quotaDayEndsAt(atMs: number, timeZone: string): number {
  const today = quotaDay(atMs, timeZone);
  let lo = atMs;
  // A calendar day never lasts more than 26 hours (DST + zone changes); step until we are past it.
  let hi = atMs + 26 * 3_600_000;
  while (quotaDay(hi, timeZone) === today) hi += 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (quotaDay(mid, timeZone) === today) lo = mid;
    else hi = mid;
  }
  return hi;
}

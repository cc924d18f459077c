import { describe, expect, it } from 'vitest';
import { quotaDay, quotaDayEndsAt } from '../../src/engine/quota-day.ts';

const at = (iso: string) => Date.parse(iso);

describe('quota day maths', () => {
  it('UTC days start at midnight UTC', () => {
    expect(quotaDay(at('2026-03-07T23:59:59.999Z'), 'UTC')).toBe('2026-03-07');
    expect(quotaDay(at('2026-03-08T00:00:00Z'), 'UTC')).toBe('2026-03-08');
    expect(quotaDayEndsAt(at('2026-03-07T10:00:00Z'), 'UTC')).toBe(at('2026-03-08T00:00:00Z'));
  });

  it('a moment belongs to the local day of the configured zone', () => {
    // 23:30 UTC is already the next day in Berlin (UTC+1 in winter).
    expect(quotaDay(at('2026-01-10T23:30:00Z'), 'Europe/Berlin')).toBe('2026-01-11');
    expect(quotaDay(at('2026-01-10T23:30:00Z'), 'America/New_York')).toBe('2026-01-10');
  });

  it('the day before spring-forward in New York lasts until local midnight (05:00 UTC)', () => {
    // 2026-03-08 is 23 hours long in New York; it ends at 2026-03-09 00:00 EDT = 04:00 UTC.
    expect(quotaDayEndsAt(at('2026-03-07T12:00:00Z'), 'America/New_York')).toBe(at('2026-03-08T05:00:00Z'));
    const start = at('2026-03-08T05:00:00Z');
    const end = quotaDayEndsAt(start, 'America/New_York');
    expect(end).toBe(at('2026-03-09T04:00:00Z'));
    expect((end - start) / 3_600_000).toBe(23);
  });

  it('the fall-back day in Berlin is 25 hours long', () => {
    const start = at('2026-10-24T22:00:00Z'); // 2026-10-25 00:00 CEST
    const end = quotaDayEndsAt(start, 'Europe/Berlin');
    expect(end).toBe(at('2026-10-25T23:00:00Z')); // 2026-10-26 00:00 CET
    expect((end - start) / 3_600_000).toBe(25);
  });

  it('a zone whose midnight is skipped starts the day at 01:00 local', () => {
    // Santiago springs forward at 00:00 → 01:00 on 2026-09-06.
    const before = at('2026-09-05T12:00:00Z');
    const end = quotaDayEndsAt(before, 'America/Santiago');
    expect(quotaDay(end, 'America/Santiago')).toBe('2026-09-06');
    expect(quotaDay(end - 1, 'America/Santiago')).toBe('2026-09-05');
  });
});

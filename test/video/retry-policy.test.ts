import { describe, expect, it } from 'vitest';
import {
  InvalidParameterError,
  MalformedResponseError,
  NetworkError,
  RateLimitedError,
  TimeoutError,
  UpstreamServerError,
} from '../../src/video/errors.ts';
import {
  defaultRetryPolicy,
  parseRetryAfter,
  retryDelayMs,
  shouldRetry,
} from '../../src/video/retry-policy.ts';

describe('shouldRetry', () => {
  const transient = [
    new RateLimitedError('x'),
    new UpstreamServerError('x'),
    new TimeoutError('x'),
    new NetworkError('x'),
  ];

  it('repeats GET and DELETE on 429, 5xx, timeouts and network errors', () => {
    for (const err of transient) {
      expect(shouldRetry('GET', err)).toBe(true);
      expect(shouldRetry('DELETE', err)).toBe(true);
    }
  });

  it('never repeats a POST, whatever went wrong', () => {
    for (const err of transient) expect(shouldRetry('POST', err)).toBe(false);
  });

  it('does not repeat user mistakes or unreadable answers', () => {
    expect(shouldRetry('GET', new InvalidParameterError('x'))).toBe(false);
    expect(shouldRetry('GET', new MalformedResponseError('x'))).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('grows the jitter ceiling by the factor and caps it', () => {
    const top = () => 0.999999;
    expect(retryDelayMs(defaultRetryPolicy, 1, undefined, top)).toBe(499);
    expect(retryDelayMs(defaultRetryPolicy, 2, undefined, top)).toBe(999);
    expect(retryDelayMs(defaultRetryPolicy, 3, undefined, top)).toBe(1999);
    expect(retryDelayMs(defaultRetryPolicy, 20, undefined, top)).toBe(19_999);
    expect(retryDelayMs(defaultRetryPolicy, 3, undefined, () => 0)).toBe(0);
  });

  it('honours Retry-After up to the cap', () => {
    expect(retryDelayMs(defaultRetryPolicy, 1, 3000)).toBe(3000);
    expect(retryDelayMs(defaultRetryPolicy, 1, 3_600_000)).toBe(20_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, milliseconds and HTTP dates; ignores nonsense', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter({ 'retry-after': '2' }, now)).toBe(2000);
    expect(parseRetryAfter({ 'retry-after-ms': '250' }, now)).toBe(250);
    expect(parseRetryAfter({ 'retry-after': new Date(now + 5000).toUTCString() }, now)).toBe(5000);
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });
});

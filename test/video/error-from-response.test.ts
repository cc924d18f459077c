import { describe, expect, it } from 'vitest';
import {
  errorFromResponse,
  errorFromTransport,
  parseErrorBody,
} from '../../src/video/error-from-response.ts';
import {
  AbortedError,
  ContentPolicyError,
  DialectMismatchError,
  InvalidParameterError,
  NetworkError,
  RateLimitedError,
  SourceExpiredError,
  SourceNotCompletedError,
  TimeoutError,
  UnauthorizedError,
  UpstreamServerError,
  VideoApiError,
  VideoNotFoundError,
} from '../../src/video/errors.ts';

const meta = { method: 'POST', url: 'http://127.0.0.1:1/v1/videos' };
const json = (error: Record<string, unknown>) => JSON.stringify({ error });

describe('errorFromResponse', () => {
  it.each([
    [400, json({ message: 'Invalid parameter: size', code: 'invalid_parameter' }), InvalidParameterError],
    [
      400,
      json({ message: 'bad seconds', type: 'invalid_request_error', param: 'seconds', code: null }),
      InvalidParameterError,
    ],
    [
      400,
      json({ message: 'Source video not found or not completed', code: 'invalid_video_id' }),
      VideoNotFoundError,
    ],
    [404, '404 page not found', VideoNotFoundError],
    [400, json({ message: 'not done', code: 'video_not_completed' }), SourceNotCompletedError],
    [400, json({ message: 'gone', code: 'video_expired' }), SourceExpiredError],
    [410, '', SourceExpiredError],
    [400, json({ message: 'nope', code: 'content_policy_violation' }), ContentPolicyError],
    [
      400,
      json({ message: 'nope', type: 'invalid_request_error', code: 'moderation_blocked' }),
      ContentPolicyError,
    ],
    [401, json({ message: 'bad key', type: 'invalid_request_error' }), UnauthorizedError],
    [403, 'Forbidden', UnauthorizedError],
    [429, json({ message: 'slow down', type: 'rate_limit_error' }), RateLimitedError],
    [500, '<html>oops</html>', UpstreamServerError],
    [503, json({ message: 'overloaded', message_zh: '过载', type: 'server_error' }), UpstreamServerError],
    [408, '', TimeoutError],
    [418, 'teapot', VideoApiError],
    [
      415,
      json({ message: 'Content-Type must be multipart/form-data', code: 'unsupported_content_type' }),
      DialectMismatchError,
    ],
    // new-api: an unknown task is HTTP 400 with a {code, message, data} envelope.
    [
      400,
      JSON.stringify({ code: 'task_not_exist', message: 'task_not_exist', data: null }),
      VideoNotFoundError,
    ],
    // Integer codes (OpenRouter, Vertex behind LiteLLM): the message is all there is.
    [400, json({ code: 400, message: 'Request blocked by the safety system' }), ContentPolicyError],
    [
      400,
      json({ code: 3, message: 'Invalid argument: duration', status: 'INVALID_ARGUMENT' }),
      InvalidParameterError,
    ],
    [404, json({ code: 404, message: 'Not Found' }), VideoNotFoundError],
    [400, JSON.stringify({ error: 'prompt is required' }), InvalidParameterError],
  ])('maps HTTP %d %s', (status, body, type) => {
    const err = errorFromResponse(meta, status, {}, body);
    expect(err).toBeInstanceOf(type);
    expect(err.status).toBe(status);
    expect(err.method).toBe('POST');
    expect(err.url).toBe(meta.url);
    expect(err.message).toMatch(/^[A-Z].*[.]$/);
  });

  it('blames the dialect setting, not the user, for 405 and 415', () => {
    for (const status of [405, 415]) {
      const err = errorFromResponse(meta, status, {}, 'Method Not Allowed');
      expect(err).not.toBeInstanceOf(InvalidParameterError);
      expect(err.userFault).toBe(false);
      expect(err.message).toContain('VIDEO_API_DIALECT');
    }
  });

  it('keeps the parameter name of an invalid_request_error', () => {
    const err = errorFromResponse(
      meta,
      400,
      {},
      json({ message: 'x', type: 'invalid_request_error', param: 'size' }),
    );
    expect(err).toBeInstanceOf(InvalidParameterError);
    expect((err as InvalidParameterError).param).toBe('size');
    expect(err.message).toContain('size');
  });

  it('keeps the upstream text only in upstreamMessage, trimmed, and the request id', () => {
    const long = `Invalid parameter: ${'x'.repeat(1000)}`;
    const err = errorFromResponse(
      meta,
      400,
      { 'x-request-id': 'req_123' },
      json({ message: long, code: 'invalid_parameter' }),
    );
    expect(err.message).not.toContain('xxxx');
    expect(err.upstreamMessage?.startsWith('Invalid parameter')).toBe(true);
    expect(err.upstreamMessage?.length).toBeLessThanOrEqual(300);
    expect(err.requestId).toBe('req_123');
    expect(err.code).toBe('invalid_parameter');
  });

  it('redacts the key when an upstream echoes it back', () => {
    const key = 'sk-echoed-secret-key-123456';
    const err = errorFromResponse(meta, 401, {}, json({ message: `Incorrect API key provided: ${key}` }), [
      key,
    ]);
    expect(JSON.stringify(err)).not.toContain(key);
    expect(err.upstreamMessage).toContain('[redacted]');
  });

  it.each([
    [{ 'retry-after': '7' }, 7000],
    [{ 'retry-after-ms': '1500' }, 1500],
    [{ 'retry-after': new Date(Date.now() + 60_000).toUTCString() }, 60_000],
  ])('reads the wait from %j', (headers, expected) => {
    const err = errorFromResponse(meta, 429, headers, '');
    expect(err).toBeInstanceOf(RateLimitedError);
    const wait = (err as RateLimitedError).retryAfterMs ?? -1;
    expect(wait).toBeGreaterThan(expected - 2000);
    expect(wait).toBeLessThanOrEqual(expected);
  });

  it('keeps the Retry-After of a 503 (maintenance), so retries wait as asked', () => {
    const err = errorFromResponse(meta, 503, { 'retry-after': '30' }, json({ message: 'maintenance' }));
    expect(err).toBeInstanceOf(UpstreamServerError);
    expect((err as UpstreamServerError).retryAfterMs).toBe(30_000);
    expect((errorFromResponse(meta, 500, {}, '') as UpstreamServerError).retryAfterMs).toBeUndefined();
  });
});

describe('parseErrorBody', () => {
  it('reads the quickrouter shape with message_zh', () => {
    expect(
      parseErrorBody(json({ message: 'not found', message_zh: '未找到', type: 'invalid_request_error' })),
    ).toEqual({
      message: 'not found',
      messageZh: '未找到',
      type: 'invalid_request_error',
    });
  });

  it('reads {error: "text"} and {detail}', () => {
    expect(parseErrorBody(JSON.stringify({ error: 'boom' }))?.message).toBe('boom');
    expect(parseErrorBody(JSON.stringify({ detail: 'Not Found' }))?.message).toBe('Not Found');
  });

  it('returns undefined for plain text', () => {
    expect(parseErrorBody('Bad Gateway')).toBeUndefined();
  });
});

describe('errorFromTransport', () => {
  it('names an abort, a timeout and a connection failure', () => {
    const why = { aborted: false, timedOut: false, timeoutMs: 5000 };
    expect(errorFromTransport(meta, new Error('x'), { ...why, aborted: true })).toBeInstanceOf(AbortedError);
    expect(errorFromTransport(meta, new Error('x'), { ...why, timedOut: true })).toBeInstanceOf(TimeoutError);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const err = errorFromTransport(meta, refused, why);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toContain('ECONNREFUSED');
  });
});

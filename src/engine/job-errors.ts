/**
 * Turning upstream errors into job error codes (with the figures behind them), and deciding who
 * pays. The words are the presentation's (src/presentation/catalogue); raw upstream text is never
 * shown, except a refused parameter's explanation, which names what to change.
 */
import {
  ContentPolicyError,
  InvalidParameterError,
  MalformedResponseError,
  NetworkError,
  SourceExpiredError,
  SourceNotCompletedError,
  TimeoutError,
  UnauthorizedError,
  UpstreamServerError,
  VideoApiError,
  VideoNotFoundError,
} from '../video/errors.ts';
import type { JobError } from './job.ts';

/** A create/remix POST failed in a way that may still have reached the server (or did, but the answer was lost). */
export function outcomeUnknown(err: unknown): boolean {
  return (
    err instanceof UpstreamServerError ||
    err instanceof TimeoutError ||
    err instanceof NetworkError ||
    err instanceof MalformedResponseError
  );
}

/** What a definitive submit refusal means for the requester. */
export function submitError(err: unknown): JobError {
  if (err instanceof ContentPolicyError) return contentPolicy();
  if (err instanceof InvalidParameterError) {
    return { code: 'invalid_parameter', values: { detail: err.message }, userFault: true };
  }
  if (err instanceof SourceExpiredError) return { code: 'source_expired', userFault: false };
  if (err instanceof SourceNotCompletedError || err instanceof VideoNotFoundError) {
    return { code: 'source_not_found', userFault: false };
  }
  if (err instanceof UnauthorizedError) return { code: 'upstream_unauthorized', userFault: false };
  return upstreamDown(err);
}

export function contentPolicy(): JobError {
  return { code: 'content_policy', userFault: true };
}

export function upstreamDown(err?: unknown): JobError {
  const status = err instanceof VideoApiError && err.status ? err.status : undefined;
  return { code: 'upstream_down', ...(status ? { values: { status } } : {}), userFault: false };
}

export function noAnswer(): JobError {
  return { code: 'upstream_no_answer', userFault: false };
}

/** The upstream job itself ended in failure. */
export function generationError(upstream: { code: string; message: string } | undefined): JobError {
  if (upstream && /content|policy|moderation|safety/i.test(upstream.code)) return contentPolicy();
  return { code: 'generation_failed', userFault: false };
}

export function timedOut(): JobError {
  return { code: 'timeout', userFault: false };
}

export function expiredBeforeDelivery(): JobError {
  return { code: 'expired', userFault: false };
}

export function lostUpstream(): JobError {
  return { code: 'upstream_lost', userFault: false };
}

/** Refund unless the user's own input was refused. */
export function refundFor(error: JobError): boolean {
  return !error.userFault;
}

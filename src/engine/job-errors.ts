/**
 * Turning upstream errors into job error codes (with the figures behind them), and deciding who
 * pays. The words are the presentation's (src/presentation/catalogue); raw upstream text is never
 * shown, except a refused parameter's explanation, which names what to change.
 *
 * Every error names who caused it ({@link Blame}), and only the user's own mistakes are
 * charged: a prompt or image the upstream refuses for its content. Everything the bot, the
 * upstream or their mismatch caused (a route or encoding the upstream does not take, 5xx,
 * auth, timeouts, lost jobs) is refunded, and the message says which kind it was.
 */
import {
  ContentPolicyError,
  DialectMismatchError,
  InvalidParameterError,
  MalformedResponseError,
  NetworkError,
  SourceExpiredError,
  SourceNotCompletedError,
  TimeoutError,
  UnauthorizedError,
  UnsupportedFeatureError,
  UpstreamServerError,
  VideoApiError,
  VideoNotFoundError,
} from '../video/errors.ts';
import type { Blame, JobError, JobErrorCode } from './job.ts';

/** A job error whose `userFault` always agrees with its `blame`. */
export function jobError(blame: Blame, code: JobErrorCode, values?: JobError['values']): JobError {
  return { code, ...(values === undefined ? {} : { values }), blame, userFault: blame === 'user' };
}

/** Who caused `error`; errors stored before `blame` existed fall back to `userFault`. */
export function blameOf(error: JobError): Blame {
  return error.blame ?? (error.userFault ? 'user' : 'upstream');
}

/** A create/remix POST failed in a way that may still have reached the server (or did, but the answer was lost). */
export function outcomeUnknown(err: unknown): boolean {
  return (
    err instanceof UpstreamServerError ||
    err instanceof TimeoutError ||
    err instanceof NetworkError ||
    err instanceof MalformedResponseError
  );
}

/** Parameters only the user chose; any other refused parameter is one the bot offered or sent. */
const USER_PARAMS: ReadonlySet<string> = new Set(['prompt', 'input_reference', 'image']);

/** What a definitive submit refusal means for the requester. */
export function submitError(err: unknown): JobError {
  if (err instanceof ContentPolicyError) return contentPolicy(policySubject(err.upstreamMessage));
  if (err instanceof InvalidParameterError) {
    if (err.param !== undefined && USER_PARAMS.has(err.param)) {
      return jobError('user', 'invalid_parameter', { detail: err.message });
    }
    return jobError('bot', 'setting_refused', { detail: err.message });
  }
  if (err instanceof UnsupportedFeatureError) {
    return jobError('upstream', 'unsupported', { detail: err.feature });
  }
  if (err instanceof DialectMismatchError) return jobError('bot', 'dialect_mismatch');
  if (err instanceof SourceExpiredError) return jobError('upstream', 'source_expired');
  if (err instanceof SourceNotCompletedError || err instanceof VideoNotFoundError) {
    return jobError('upstream', 'source_not_found');
  }
  if (err instanceof UnauthorizedError) return jobError('bot', 'upstream_unauthorized');
  return upstreamDown(err);
}

/** A content-policy refusal, naming what was refused when the upstream said so. */
export function contentPolicy(subject?: 'prompt' | 'image'): JobError {
  return jobError('user', 'content_policy', subject ? { subject } : undefined);
}

/** Whether the upstream's words blame the starting image; else it was the prompt. */
export function policySubject(upstreamMessage: string | undefined): 'prompt' | 'image' {
  return /\b(image|input[_ ]reference|reference|picture|photo|frame)\b/i.test(upstreamMessage ?? '')
    ? 'image'
    : 'prompt';
}

export function upstreamDown(err?: unknown): JobError {
  const status = err instanceof VideoApiError && err.status ? err.status : undefined;
  return jobError('upstream', 'upstream_down', status ? { status } : undefined);
}

export function noAnswer(): JobError {
  return jobError('upstream', 'upstream_no_answer');
}

/** The upstream job itself ended in failure. */
export function generationError(upstream: { code: string; message: string } | undefined): JobError {
  if (upstream && /content|policy|moderation|safety/i.test(upstream.code))
    return contentPolicy(policySubject(upstream.message));
  // Some upstreams give the failure only as a sentence (`error: "..."`, integer codes).
  if (upstream && /content[ _]policy|moderation|safety system/i.test(upstream.message))
    return contentPolicy(policySubject(upstream.message));
  return jobError('upstream', 'generation_failed');
}

export function timedOut(): JobError {
  return jobError('upstream', 'timeout');
}

export function expiredBeforeDelivery(): JobError {
  return jobError('upstream', 'expired');
}

export function lostUpstream(): JobError {
  return jobError('upstream', 'upstream_lost');
}

/** Refund unless the user's own input was refused. */
export function refundFor(error: JobError): boolean {
  return blameOf(error) !== 'user';
}

/**
 * Turning upstream errors into what the requester reads, and deciding who pays.
 * Messages are plain sentences with what to do; raw upstream text is never shown.
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
import type { Blame, JobError } from './job.ts';

/** A job error whose `userFault` always agrees with its `blame`. */
export function jobError(blame: Blame, code: string, message: string): JobError {
  return { code, message, blame, userFault: blame === 'user' };
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
  if (err instanceof ContentPolicyError) return contentPolicy();
  if (err instanceof InvalidParameterError) {
    if (err.param !== undefined && USER_PARAMS.has(err.param)) {
      return jobError(
        'user',
        'invalid_parameter',
        `The video service refused the request: ${err.message} Change it and try again.`,
      );
    }
    return jobError(
      'bot',
      'setting_refused',
      'The video service refused a setting the bot sent (size, length or model). Nothing was charged; please tell an admin, who should check VIDEO_SIZES, VIDEO_SECONDS and VIDEO_MODELS.',
    );
  }
  if (err instanceof UnsupportedFeatureError) {
    return jobError('upstream', 'unsupported', `${err.message} Nothing was charged.`);
  }
  if (err instanceof DialectMismatchError) {
    return jobError(
      'bot',
      'dialect_mismatch',
      'The bot could not find how this video service wants the request written. Nothing was charged; please tell an admin, who should check VIDEO_API_DIALECT.',
    );
  }
  if (err instanceof SourceExpiredError) {
    return jobError(
      'upstream',
      'source_expired',
      'The video you remixed has expired at the video service. Nothing was charged; remix a newer video instead.',
    );
  }
  if (err instanceof SourceNotCompletedError || err instanceof VideoNotFoundError) {
    return jobError(
      'upstream',
      'source_not_found',
      'The video service no longer has the video you remixed. Nothing was charged; pick another video and try again.',
    );
  }
  if (err instanceof UnauthorizedError) {
    return jobError(
      'bot',
      'upstream_unauthorized',
      'The bot could not sign in to the video service. Nothing was charged; please tell an admin.',
    );
  }
  return upstreamDown(err);
}

export function contentPolicy(): JobError {
  return jobError(
    'user',
    'content_policy',
    'The video service refused this prompt under its content rules (no real people, no copyrighted characters, nothing unsuitable for under-18s). Rephrase it and try again.',
  );
}

export function upstreamDown(err?: unknown): JobError {
  const status = err instanceof VideoApiError && err.status ? ` (status ${err.status})` : '';
  return jobError(
    'upstream',
    'upstream_down',
    `The video service had a problem${status}. Nothing was charged; please try again in a few minutes.`,
  );
}

export function noAnswer(): JobError {
  return jobError(
    'upstream',
    'upstream_no_answer',
    'The video service did not answer; nothing was charged, please try again.',
  );
}

/** The upstream job itself ended in failure. */
export function generationError(upstream: { code: string; message: string } | undefined): JobError {
  if (upstream && /content|policy|moderation|safety/i.test(upstream.code)) return contentPolicy();
  // Some upstreams give the failure only as a sentence (`error: "..."`, integer codes).
  if (upstream && /content[ _]policy|moderation|safety system/i.test(upstream.message))
    return contentPolicy();
  return jobError(
    'upstream',
    'generation_failed',
    'The video service could not make this video. Nothing was charged; please try again.',
  );
}

export function timedOut(): JobError {
  return jobError(
    'upstream',
    'timeout',
    'The video took too long at the video service and was given up. Nothing was charged; please try again.',
  );
}

export function expiredBeforeDelivery(): JobError {
  return jobError(
    'upstream',
    'expired',
    'The finished video expired at the video service before the bot could fetch it. Nothing was charged; please try again.',
  );
}

export function lostUpstream(): JobError {
  return jobError(
    'upstream',
    'upstream_lost',
    'The video service lost track of this video. Nothing was charged; please try again.',
  );
}

/** Refund unless the user's own input was refused. */
export function refundFor(error: JobError): boolean {
  return blameOf(error) !== 'user';
}

/**
 * Turning upstream errors into what the requester reads, and deciding who pays.
 * Messages are plain sentences with what to do; raw upstream text is never shown.
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
    return {
      code: 'invalid_parameter',
      message: `The video service refused the request: ${err.message} Change it and try again.`,
      userFault: true,
    };
  }
  if (err instanceof SourceExpiredError) {
    return {
      code: 'source_expired',
      message: 'The video you remixed has expired at the video service. Remix a newer video instead.',
      userFault: false,
    };
  }
  if (err instanceof SourceNotCompletedError || err instanceof VideoNotFoundError) {
    return {
      code: 'source_not_found',
      message: 'The video service no longer has the video you remixed. Pick another video and try again.',
      userFault: false,
    };
  }
  if (err instanceof UnauthorizedError) {
    return {
      code: 'upstream_unauthorized',
      message: 'The bot could not sign in to the video service. Nothing was charged; please tell an admin.',
      userFault: false,
    };
  }
  return upstreamDown(err);
}

export function contentPolicy(): JobError {
  return {
    code: 'content_policy',
    message:
      'The video service refused this prompt under its content rules (no real people, no copyrighted characters, nothing unsuitable for under-18s). Rephrase it and try again.',
    userFault: true,
  };
}

export function upstreamDown(err?: unknown): JobError {
  const status = err instanceof VideoApiError && err.status ? ` (status ${err.status})` : '';
  return {
    code: 'upstream_down',
    message: `The video service had a problem${status}. Nothing was charged; please try again in a few minutes.`,
    userFault: false,
  };
}

export function noAnswer(): JobError {
  return {
    code: 'upstream_no_answer',
    message: 'The video service did not answer; nothing was charged, please try again.',
    userFault: false,
  };
}

/** The upstream job itself ended in failure. */
export function generationError(upstream: { code: string; message: string } | undefined): JobError {
  if (upstream && /content|policy|moderation|safety/i.test(upstream.code)) return contentPolicy();
  return {
    code: 'generation_failed',
    message: 'The video service could not make this video. Nothing was charged; please try again.',
    userFault: false,
  };
}

export function timedOut(): JobError {
  return {
    code: 'timeout',
    message:
      'The video took too long at the video service and was given up. Nothing was charged; please try again.',
    userFault: false,
  };
}

export function expiredBeforeDelivery(): JobError {
  return {
    code: 'expired',
    message:
      'The finished video expired at the video service before the bot could fetch it. Nothing was charged; please try again.',
    userFault: false,
  };
}

export function lostUpstream(): JobError {
  return {
    code: 'upstream_lost',
    message: 'The video service lost track of this video. Nothing was charged; please try again.',
    userFault: false,
  };
}

/** Refund unless the user's own input was refused. */
export function refundFor(error: JobError): boolean {
  return !error.userFault;
}

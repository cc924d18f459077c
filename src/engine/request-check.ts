/**
 * Checks of a `/video` or `/remix` request done before anything is charged or sent:
 * parameters against the offered choices, and a remix source that is completed and unexpired.
 */
import { InvalidParameterError, VideoApiError, VideoNotFoundError } from '../video/errors.ts';
import { validateCreateInput, validateRemixInput } from '../video/validate-request.ts';
import type { Video, VideoApi } from '../video/video.ts';
import { blockedTerm } from './blocklist.ts';
import type { Refusal, RefusalValues, VideoRequest } from './engine-api.ts';

export interface Choices {
  models: readonly string[];
  sizes: readonly string[];
  seconds: readonly number[];
}

export interface CheckedRequest {
  prompt: string;
  model: string;
  size: string;
  seconds: number;
  /** Remix: the source as the upstream knows it. */
  source?: Video;
}

export type Checked = { ok: true; value: CheckedRequest } | { ok: false; refusal: Refusal };

/**
 * Fill defaults and check against the choices and the place's blocklist (before anything else,
 * so a refused prompt never reaches the upstream); for a remix, check the source upstream.
 */
export async function checkRequest(
  req: VideoRequest,
  choices: Choices,
  maxPromptChars: number,
  client: VideoApi,
  nowMs: number,
  signal?: AbortSignal,
  blocklist: readonly string[] = [],
): Promise<Checked> {
  const prompt = withoutControlCharacters(req.prompt).trim();
  const term = blockedTerm(prompt, blocklist);
  if (term !== undefined) return refuse('blocked_term', { term });
  const limits = { maxPromptChars, models: choices.models, sizes: choices.sizes, seconds: choices.seconds };
  const model = req.model ?? choices.models[0] ?? 'sora-2';
  let size = req.size ?? choices.sizes[0] ?? '1280x720';
  let seconds = req.seconds ?? choices.seconds[0] ?? 4;
  const derived = derivationOf(req);
  try {
    if (derived === undefined) {
      validateCreateInput({ prompt, model, size, seconds }, limits);
      return { ok: true, value: { prompt, model, size, seconds } };
    }
    validateRemixInput({ videoId: derived.videoId, prompt }, undefined, limits);
    // An extension is charged by what it adds: one of the offered durations.
    if (derived.feature === 'extensions' && !choices.seconds.includes(seconds)) {
      return refuse('invalid_parameter', { detail: `seconds must be one of ${choices.seconds.join(', ')}` });
    }
  } catch (err) {
    if (err instanceof InvalidParameterError) return refuse('invalid_parameter', { detail: err.message });
    // An id no upstream would issue (`../videos`, spaces): a refusal, not a crash.
    if (err instanceof VideoNotFoundError) return refuse('source_not_found');
    throw err;
  }
  // A remix, extension or edit on an upstream known to lack its route is refused before anything is charged.
  const missing = await client.missingFeatures?.(signal ? { signal } : {}).catch(() => undefined);
  if (missing?.has(derived.feature)) {
    return refuse('unsupported', { feature: derived.feature });
  }
  let source: Video;
  try {
    source = await client.retrieve(derived.videoId, signal ? { signal } : {});
  } catch (err) {
    if (
      err instanceof VideoNotFoundError ||
      (err instanceof InvalidParameterError && err.param !== 'prompt')
    ) {
      return refuse('source_not_found');
    }
    if (err instanceof VideoApiError) {
      return refuse('unavailable', { reason: 'upstream' });
    }
    throw err;
  }
  if (source.status === 'expired' || (source.expiresAt !== undefined && source.expiresAt * 1000 <= nowMs)) {
    return refuse('source_expired');
  }
  if (source.status !== 'completed') {
    const sourceEnded = source.status === 'failed' || source.status === 'cancelled';
    return refuse('source_not_completed', { sourceEnded });
  }
  // A remix or edit inherits the source's size and length; an extension its size.
  if (source.size) size = source.size;
  if (source.seconds && derived.feature !== 'extensions') seconds = source.seconds;
  return { ok: true, value: { prompt, model: source.model ?? model, size, seconds, source } };
}

/** The source and the upstream route of a request made from a finished video. */
function derivationOf(
  req: VideoRequest,
): { videoId: string; feature: 'remix' | 'extensions' | 'edits' } | undefined {
  if (req.extendOf !== undefined) return { videoId: req.extendOf, feature: 'extensions' };
  if (req.editOf !== undefined) return { videoId: req.editOf, feature: 'edits' };
  if (req.remixOf !== undefined) return { videoId: req.remixOf, feature: 'remix' };
  return undefined;
}

/**
 * C0 and C1 control characters (except newline and tab) are dropped: they mean nothing in a
 * prompt and would reach chat messages and logs raw. Zero-width and bidi marks are text
 * (Arabic, Hebrew, emoji sequences) and stay; adapters render prompts escaped.
 */
export function withoutControlCharacters(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

function refuse(code: Refusal['code'], values?: RefusalValues): Checked {
  return { ok: false, refusal: values ? { code, values } : { code } };
}

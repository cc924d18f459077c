/**
 * Checks done before anything is sent, so a request we already know is bad never spends credit.
 * The engine calls these too, with the choices it offers users.
 */
import { FORM_REMIX_PROMPT_LIMIT } from './dialect-requests.ts';
import { InvalidParameterError } from './errors.ts';
import type {
  CreateCharacterInput,
  CreateVideoInput,
  EditVideoInput,
  ExtendVideoInput,
  RemixVideoInput,
  ResolvedDialect,
} from './video.ts';
import { assertVideoId } from './video-id.ts';

export interface RequestLimits {
  /** Longest prompt accepted. @default 4000 */
  maxPromptChars?: number;
  /** Sizes offered (e.g. `VIDEO_SIZES`); unset = any `WxH`. */
  sizes?: readonly string[];
  /** Durations offered in seconds (e.g. `VIDEO_SECONDS`); unset = any whole number 1-120. */
  seconds?: readonly number[];
  /** Models offered; unset = any. */
  models?: readonly string[];
}

export const DEFAULT_MAX_PROMPT_CHARS = 4000;
/** The official limit on a character's name. */
export const MAX_CHARACTER_NAME_CHARS = 80;

const SIZE_RE = /^\d{2,5}x\d{2,5}$/;

/** Refuse a create request that the upstream would refuse anyway. Throws {@link InvalidParameterError}. */
export function validateCreateInput(input: CreateVideoInput, limits: RequestLimits = {}): void {
  checkPrompt(input.prompt, limits.maxPromptChars ?? DEFAULT_MAX_PROMPT_CHARS);
  if (input.size !== undefined) {
    const offered = limits.sizes;
    if (!SIZE_RE.test(input.size) || (offered && !offered.includes(input.size))) {
      const choices = offered ? ` Choose one of ${offered.join(', ')}.` : ' Use WIDTHxHEIGHT, e.g. 1280x720.';
      throw new InvalidParameterError(`The size "${clip(input.size)}" is not offered.${choices}`, {
        param: 'size',
      });
    }
  }
  if (input.seconds !== undefined) checkSeconds(input.seconds, limits);
  if (input.model !== undefined && limits.models && !limits.models.includes(input.model)) {
    throw new InvalidParameterError(
      `The model "${clip(input.model)}" is not offered. Choose one of ${limits.models.join(', ')}.`,
      { param: 'model' },
    );
  }
}

/** Refuse a remix request that is known bad (id shape, prompt, the `form` dialect's 1000-char limit). */
export function validateRemixInput(
  input: RemixVideoInput,
  dialect: ResolvedDialect | undefined,
  limits: RequestLimits = {},
): void {
  assertVideoId(input.videoId);
  const max = Math.min(
    limits.maxPromptChars ?? DEFAULT_MAX_PROMPT_CHARS,
    dialect === 'form' ? FORM_REMIX_PROMPT_LIMIT : Number.POSITIVE_INFINITY,
  );
  checkPrompt(input.prompt, max);
}

/** Refuse an edit that is known bad (id shape, prompt). */
export function validateEditInput(input: EditVideoInput, limits: RequestLimits = {}): void {
  assertVideoId(input.videoId);
  checkPrompt(input.prompt, limits.maxPromptChars ?? DEFAULT_MAX_PROMPT_CHARS);
}

/** Refuse an extension that is known bad; the added seconds must be offered, as for create. */
export function validateExtendInput(input: ExtendVideoInput, limits: RequestLimits = {}): void {
  validateEditInput(input, limits);
  checkSeconds(input.seconds, limits);
}

/** A name of 1-80 characters and a clip that is not empty. */
export function validateCharacterInput(input: CreateCharacterInput): void {
  const name = input.name.trim();
  if (name === '' || [...name].length > MAX_CHARACTER_NAME_CHARS) {
    throw new InvalidParameterError(
      `A character needs a name of 1 to ${MAX_CHARACTER_NAME_CHARS} characters.`,
      { param: 'name' },
    );
  }
  if (input.video.data.byteLength === 0) {
    throw new InvalidParameterError('The character video is empty. Attach a short clip of the character.', {
      param: 'video',
    });
  }
}

function checkSeconds(seconds: number, limits: RequestLimits): void {
  const offered = limits.seconds;
  const ok = Number.isInteger(seconds) && seconds >= 1 && seconds <= 120;
  if (!ok || (offered && !offered.includes(seconds))) {
    const choices = offered ? ` Choose one of ${offered.join(', ')} seconds.` : '';
    throw new InvalidParameterError(`A length of ${seconds} seconds is not offered.${choices}`, {
      param: 'seconds',
    });
  }
}

function checkPrompt(prompt: string, max: number): void {
  if (prompt.trim().length === 0) {
    throw new InvalidParameterError('The prompt is empty. Describe the video you want.', { param: 'prompt' });
  }
  const length = [...prompt].length;
  if (length > max) {
    throw new InvalidParameterError(
      `The prompt is ${length} characters long; the limit is ${max}. Shorten it and try again.`,
      { param: 'prompt' },
    );
  }
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

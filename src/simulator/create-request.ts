/**
 * Validation of create and remix requests, as strict as real servers: prompt,
 * `size` and `seconds` among the offered values, and an `input_reference` image
 * that really is PNG/JPEG/WebP at exactly the requested resolution.
 */
import type { ParsedBody, UploadedFile } from './request-body.ts';
import { invalidParameter, SimError } from './sim-error.ts';
import { steeringFor } from './sim-job.ts';
import { SIMULATOR_SECONDS, SIMULATOR_SIZES } from './simulator-options.ts';

export const MAX_PROMPT_CHARS = 32_000;
const DEFAULT_MODEL = 'sora-2';
const DEFAULT_SIZE = '720x1280';
const DEFAULT_SECONDS = 4;

export interface CreateParams {
  prompt: string;
  model: string;
  size: string;
  width: number;
  height: number;
  seconds: number;
  hasInputReference: boolean;
}

/** Validate a create request (the image check is async: it reads the image header). */
export async function parseCreateRequest(body: ParsedBody): Promise<CreateParams> {
  const prompt = parsePrompt(body.fields.prompt, MAX_PROMPT_CHARS);
  const model = optionalText(body.fields.model, 'model') ?? DEFAULT_MODEL;
  const { size, width, height } = parseSize(body.fields.size ?? DEFAULT_SIZE);
  const seconds = parseSeconds(body.fields.seconds ?? DEFAULT_SECONDS);
  const image = body.files.get('input_reference');
  if (!image && body.fields.input_reference !== undefined) {
    throw invalidParameter('input_reference', 'input_reference must be an uploaded image file (multipart).');
  }
  if (image) await checkInputReference(image, width, height);
  return { prompt, model, size, width, height, seconds, hasInputReference: image !== undefined };
}

/** Prompt present, a non-empty string within `max` characters, and not tagged `[reject]`. */
export function parsePrompt(value: unknown, max: number): string {
  if (value === undefined || value === null) {
    throw invalidParameter('prompt', "Missing required parameter: 'prompt'.");
  }
  if (typeof value !== 'string') throw invalidParameter('prompt', 'prompt must be a string.');
  if (value.trim() === '') throw invalidParameter('prompt', 'prompt must not be empty.');
  if ([...value].length > max) {
    throw invalidParameter('prompt', `prompt is too long: at most ${max} characters are allowed.`);
  }
  if (/\[reject-image\]/i.test(value)) {
    throw new SimError(400, 'Your input image was rejected by the safety system (simulated).', {
      code: 'content_policy_violation',
      param: 'input_reference',
    });
  }
  if (steeringFor(value).reject) {
    throw new SimError(400, 'Your request was rejected by the safety system (simulated).', {
      code: 'content_policy_violation',
      param: 'prompt',
    });
  }
  return value;
}

export function parseSize(value: unknown): { size: string; width: number; height: number } {
  const size = typeof value === 'string' ? value.trim() : '';
  if (!(SIMULATOR_SIZES as readonly string[]).includes(size)) {
    throw invalidParameter(
      'size',
      `Invalid size ${JSON.stringify(value)}. Supported sizes: ${SIMULATOR_SIZES.join(', ')}.`,
    );
  }
  const [w, h] = size.split('x').map(Number);
  return { size, width: w ?? 0, height: h ?? 0 };
}

/** `seconds` arrives as a string (official) or a number (gateways). */
export function parseSeconds(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!(SIMULATOR_SECONDS as readonly number[]).includes(n)) {
    throw invalidParameter(
      'seconds',
      `Invalid seconds ${JSON.stringify(value)}. Supported values: ${SIMULATOR_SECONDS.join(', ')}.`,
    );
  }
  return n;
}

function optionalText(value: unknown, param: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidParameter(param, `${param} must be a string.`);
  return value;
}

type ImageFormat = 'png' | 'jpeg' | 'webp';

/** Identify the image by its magic bytes, not by what the client declared. */
function sniffFormat(data: Buffer): ImageFormat | undefined {
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

async function checkInputReference(image: UploadedFile, width: number, height: number): Promise<void> {
  const format = sniffFormat(image.data);
  if (!format) {
    throw invalidParameter(
      'input_reference',
      'input_reference must be a PNG, JPEG or WebP image (the file is not one of these).',
    );
  }
  // sharp is loaded only when an image arrives, so starting a simulator stays cheap.
  const { default: sharp } = await import('sharp');
  let meta: { width?: number | undefined; height?: number | undefined };
  try {
    meta = await sharp(image.data).metadata();
  } catch {
    throw invalidParameter(
      'input_reference',
      `input_reference is not a readable ${format.toUpperCase()} image.`,
    );
  }
  if (meta.width !== width || meta.height !== height) {
    throw invalidParameter(
      'input_reference',
      `Inpaint image must match the requested width and height: the image is ${meta.width}x${meta.height}, size is ${width}x${height}.`,
    );
  }
}

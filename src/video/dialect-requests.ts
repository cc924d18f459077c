/**
 * How each dialect spells create and remix on the wire. Pure: builds request descriptions only.
 *
 * | dialect | create | remix |
 * |---|---|---|
 * | `openai` | JSON, multipart with an image | `POST /videos/{id}/remix` JSON `{prompt}` |
 * | `gateway` | as openai (`task_...` ids) | as openai |
 * | `body-remix` | as openai | `POST /videos/remix` JSON `{video_id, prompt}` |
 * | `form` | always multipart | `POST /videos/{id}/remix` multipart `prompt` (≤ 1000 chars) |
 * | `json-remix-size` | as openai | `POST /videos/{id}/remix` JSON `{prompt, size}` |
 */
import { FormData } from 'undici';
import type { CreateVideoInput, ResolvedDialect } from './video.ts';
import { videoPath } from './video-id.ts';
import type { HttpMethod, SendOptions } from './video-transport.ts';

export const RESOLVED_DIALECTS = [
  'openai',
  'body-remix',
  'form',
  'json-remix-size',
  'gateway',
] as const satisfies readonly ResolvedDialect[];

/** The `form` dialect's documented limit on a remix prompt. */
export const FORM_REMIX_PROMPT_LIMIT = 1000;

type Request = Omit<SendOptions, 'signal'> & { method: HttpMethod };

/**
 * `POST /videos`: JSON for text-to-video, multipart when there is an image or the dialect wants
 * forms. `as` overrides the encoding of a create without an image (learned from a refusal).
 */
export function createRequest(
  dialect: ResolvedDialect,
  input: CreateVideoInput,
  as: 'json' | 'form' = dialect === 'form' ? 'form' : 'json',
): Request {
  const fields: Record<string, string> = { prompt: input.prompt };
  if (input.model !== undefined) fields.model = input.model;
  if (input.size !== undefined) fields.size = input.size;
  // Official API wants a string; gateways accept it too.
  if (input.seconds !== undefined) fields.seconds = String(input.seconds);
  if (input.inputReference === undefined && as === 'json') {
    return { method: 'POST', path: '/videos', json: fields };
  }
  const form = toForm(fields);
  if (input.inputReference !== undefined) {
    const { data, contentType, fileName } = input.inputReference;
    form.set('input_reference', new Blob([new Uint8Array(data)], { type: contentType }), fileName);
  }
  return { method: 'POST', path: '/videos', form };
}

/** The remix call in `dialect`. `size` is required by `json-remix-size` (the caller fetches it). */
export function remixRequest(
  dialect: ResolvedDialect,
  input: { videoId: string; prompt: string; size?: string | undefined },
): Request {
  switch (dialect) {
    case 'body-remix':
      videoPath(input.videoId); // validates the id even though it travels in the body
      return {
        method: 'POST',
        path: '/videos/remix',
        json: { video_id: input.videoId, prompt: input.prompt },
      };
    case 'form':
      return {
        method: 'POST',
        path: videoPath(input.videoId, '/remix'),
        form: toForm({ prompt: input.prompt }),
      };
    case 'json-remix-size':
      return {
        method: 'POST',
        path: videoPath(input.videoId, '/remix'),
        json:
          input.size === undefined ? { prompt: input.prompt } : { prompt: input.prompt, size: input.size },
      };
    case 'openai':
    case 'gateway':
      return { method: 'POST', path: videoPath(input.videoId, '/remix'), json: { prompt: input.prompt } };
  }
}

function toForm(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

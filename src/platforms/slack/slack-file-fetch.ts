/**
 * Fetches a file a user gave the bot (the modal's file input) with the bot token, and ONLY from
 * Slack's own file hosts: the token must never be sent anywhere else, even if `files.info`
 * (or a redirect) pointed elsewhere. Size-capped while streaming; images only.
 */
import type { webApi } from '@slack/bolt';
import { isLoopbackUrl } from '../../net/loopback.ts';
import { readCapped } from '../../net/read-capped.ts';
import { formatBytes } from '../../presentation/format-bytes.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export interface FetchedImage {
  data: Uint8Array;
  contentType: ImageType;
  fileName: string;
}

/** Why an image was not taken, as a catalogue message. */
export interface FetchProblem {
  key: 'reply.imageType' | 'reply.imageSize' | 'reply.imageOverLimit' | 'reply.imageFetch';
  vars?: Record<string, string>;
}

export type FetchResult = { ok: true; image: FetchedImage } | { ok: false; problem: FetchProblem };

export interface SlackFileFetchOptions {
  token: string;
  /** Origins (`https://files.slack.com`) the token may be sent to. */
  allowedOrigins: readonly string[];
  maxBytes: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Slack's file host, plus the Web API's own origin when that is a local fake (tests), so a
 * configured `SLACK_API_URL` on another host never widens where the token goes.
 */
export function slackFileOrigins(slackApiUrl: string): string[] {
  const origins = ['https://files.slack.com'];
  const api = new URL(slackApiUrl);
  if (isLoopbackUrl(api)) origins.push(api.origin);
  return origins;
}

function allowed(url: string, origins: readonly string[]): boolean {
  try {
    return origins.includes(new URL(url).origin);
  } catch {
    return false;
  }
}

function tooLarge(size: number, limit: number): FetchProblem {
  return { key: 'reply.imageSize', vars: { size: formatBytes(size), limit: formatBytes(limit) } };
}

/** Look the file up with `files.info` and download it. Problems come back as catalogue messages. */
export async function fetchSlackImage(
  client: WebClient,
  fileId: string,
  options: SlackFileFetchOptions,
): Promise<FetchResult> {
  const info = await client.files.info({ file: fileId });
  const file = info.file;
  const type = file?.mimetype ?? '';
  if (!file || !(IMAGE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, problem: { key: 'reply.imageType' } };
  }
  if ((file.size ?? 0) > options.maxBytes) {
    return { ok: false, problem: tooLarge(file.size ?? 0, options.maxBytes) };
  }
  const url = file.url_private_download ?? file.url_private;
  if (!url || !allowed(url, options.allowedOrigins)) {
    return { ok: false, problem: { key: 'reply.imageFetch' } };
  }
  const data = await download(url, options);
  if (!data) return { ok: false, problem: { key: 'reply.imageFetch' } };
  if (data === 'too_large') {
    return {
      ok: false,
      problem: { key: 'reply.imageOverLimit', vars: { limit: formatBytes(options.maxBytes) } },
    };
  }
  return { ok: true, image: { data, contentType: type as ImageType, fileName: file.name ?? 'image' } };
}

/** GET with the token; follows at most 3 redirects, each checked against the allow list. */
async function download(
  start: string,
  options: SlackFileFetchOptions,
): Promise<Uint8Array | 'too_large' | undefined> {
  const doFetch = options.fetch ?? fetch;
  let url = start;
  for (let hop = 0; hop < 4; hop++) {
    if (!allowed(url, options.allowedOrigins)) return undefined;
    const res = await doFetch(url, {
      headers: { authorization: `Bearer ${options.token}` },
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      const next = res.headers.get('location');
      if (!next) return undefined;
      url = new URL(next, url).toString();
      continue;
    }
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      return undefined;
    }
    // Slack answers a login page (HTML) instead of the file when the token is not accepted.
    if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
      await res.body.cancel();
      return undefined;
    }
    return readCapped(res.body, options.maxBytes);
  }
  return undefined;
}

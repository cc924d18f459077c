/**
 * Fetch a slash-command image attachment: only from Discord's own CDN (plus the loopback origin
 * of a local fake when `DISCORD_API_URL` points at one), size-capped by the announced size and
 * again while streaming.
 */
import { isLoopbackUrl } from '../../net/loopback.ts';
import { readCapped } from '../../net/read-capped.ts';

export const DISCORD_CDN_HOSTS = ['cdn.discordapp.com', 'media.discordapp.net'] as const;
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
/** @default 20 MiB */
export const IMAGE_MAX_BYTES = 20 * 1024 * 1024;

export interface ImagePolicy {
  /** Allowed origins, e.g. `https://cdn.discordapp.com`. */
  origins: string[];
  maxBytes: number;
  timeoutMs: number;
}

/** Discord CDN origins, plus the configured API origin when it is a local fake on loopback. */
export function imagePolicyFor(discordApiUrl: string): ImagePolicy {
  const origins: string[] = DISCORD_CDN_HOSTS.map((h) => `https://${h}`);
  const api = new URL(discordApiUrl);
  if (isLoopbackUrl(api)) origins.push(api.origin);
  return { origins, maxBytes: IMAGE_MAX_BYTES, timeoutMs: 15_000 };
}

export class ImageFetchError extends Error {
  override name = 'ImageFetchError';
  constructor(
    readonly reason: 'host' | 'type' | 'size' | 'download',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Download `url` under `policy`; throws {@link ImageFetchError}. */
export async function fetchDiscordImage(
  url: string,
  policy: ImagePolicy,
  signal?: AbortSignal,
): Promise<{ data: Uint8Array; contentType: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ImageFetchError('host', 'attachment URL is not a URL', { cause });
  }
  if (!policy.origins.includes(parsed.origin)) {
    throw new ImageFetchError('host', `attachments are only fetched from Discord's CDN, not ${parsed.host}`);
  }
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  const res = await fetch(parsed, {
    redirect: 'error',
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  }).catch((cause: unknown) => {
    throw new ImageFetchError('download', 'attachment download failed', { cause });
  });
  if (!res.ok || !res.body)
    throw new ImageFetchError('download', `attachment download answered ${res.status}`);
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!(IMAGE_TYPES as readonly string[]).includes(contentType)) {
    await res.body.cancel();
    throw new ImageFetchError('type', `attachment is ${contentType || 'of unknown type'}`);
  }
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > policy.maxBytes) {
    await res.body.cancel();
    throw new ImageFetchError('size', 'attachment is too large');
  }
  const data = await readCapped(res.body, policy.maxBytes);
  if (data === 'too_large') throw new ImageFetchError('size', 'attachment is too large');
  return { data, contentType };
}

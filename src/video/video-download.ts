/**
 * Streams a finished video (or its thumbnail/spritesheet) from `/content` or from the
 * link the upstream gave, checking what arrives. Never buffers the MP4.
 */

import { assertCompleted } from './assert-completed.ts';
import { guardDownload } from './download-guard.ts';
import { headerValue, malformedResponse } from './error-from-response.ts';
import type { DownloadVariant, Video, VideoDownload } from './video.ts';
import { videoPath } from './video-id.ts';
import type { VideoTransport } from './video-transport.ts';

export interface DownloadOptions {
  signal?: AbortSignal | undefined;
  idleTimeoutMs: number;
}

/** Open a download of `video` (a Video or an id). */
export async function openDownload(
  transport: VideoTransport,
  video: Video | string,
  variant: DownloadVariant,
  options: DownloadOptions,
): Promise<VideoDownload> {
  const url = downloadUrl(transport, video, variant);
  const { meta, headers, body } = await transport.stream(url, options);
  const contentType = headerValue(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!contentTypeFits(contentType, variant)) {
    body.on('error', () => undefined); // destroying an undici body emits an abort error nobody else awaits
    body.destroy();
    throw malformedResponse(meta, 200, `expected ${variant} bytes, got content-type ${contentType}`);
  }
  const lengthHeader = Number.parseInt(headerValue(headers, 'content-length') ?? '', 10);
  const contentLength = Number.isFinite(lengthHeader) && lengthHeader >= 0 ? lengthHeader : undefined;
  const guarded = guardDownload(body, {
    meta,
    expectedBytes: contentLength,
    idleTimeoutMs: options.idleTimeoutMs,
    signal: options.signal,
  });
  const download: VideoDownload = { body: guarded, contentType: contentType || 'application/octet-stream' };
  if (contentLength !== undefined) download.contentLength = contentLength;
  return download;
}

function downloadUrl(transport: VideoTransport, video: Video | string, variant: DownloadVariant): URL {
  if (typeof video === 'string') {
    return transport.urlFor(videoPath(video, '/content'), { variant });
  }
  assertCompleted(video);
  if (variant === 'video' && video.result?.kind === 'url') return new URL(video.result.url);
  return transport.urlFor(videoPath(video.id, '/content'), { variant });
}

/**
 * A JSON or HTML body on a 200 is an error page, not a video. An image variant must say it is an
 * image: some upstreams ignore `variant` and answer the MP4 (or untyped bytes), which must never be
 * shown as a picture. For the video itself, no content type at all is tolerated.
 */
function contentTypeFits(contentType: string, variant: DownloadVariant): boolean {
  if (variant !== 'video') return contentType.startsWith('image/');
  if (
    contentType === '' ||
    contentType === 'application/octet-stream' ||
    contentType === 'binary/octet-stream'
  ) {
    return true;
  }
  return contentType.startsWith('video/');
}

/**
 * The team gallery on the ops server: makes the signed links the `/gallery` commands hand out
 * and serves what they open, all under `/gallery/<token>/`:
 *
 * | path | what |
 * |---|---|
 * | `` (the page) | HTML worded in the link's language |
 * | `gallery.css`, `gallery.js` | the page's style and script |
 * | `data.json` | the scope's videos ({@link galleryVideos}) and the page's texts |
 * | `media/<key>.mp4`, `media/<key>.webp` | kept media of a video of that scope (Range requests served) |
 *
 * A missing, forged or expired token gets 401 for every one of them, so nothing about any
 * video is shown without a valid link, and a link opens only its own server's videos.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { EngineApi } from '../../engine/engine-api.ts';
import { type Logger, silentLogger } from '../../log/logger.ts';
import type { GalleryLink, GalleryLinks } from '../../platforms/gallery-links.ts';
import { CATALOGUES, langOf, t } from '../../presentation/catalogue/catalogue.ts';
import type { MessageKey } from '../../presentation/catalogue/en.ts';
import { galleryVideos, type KeptMedia } from './gallery-data.ts';
import { GALLERY_CSS, GALLERY_JS, galleryHtml } from './gallery-page.ts';
import {
  type GalleryGrant,
  type GalleryScope,
  signGalleryToken,
  verifyGalleryToken,
} from './gallery-token.ts';

export const GALLERY_PATH = '/gallery';

export interface GalleryServiceOptions {
  /** `GALLERY_SECRET`. */
  secret: string;
  engine: Pick<EngineApi, 'recentVideos' | 'getJob'>;
  /** Kept thumbnails and MP4s. */
  media?: KeptMedia;
  /** Where links point: `PUBLIC_URL`, else the ops server's own address (read when a link is made). */
  baseUrl: () => string;
  /** How long a link works. @default 24 h */
  linkTtlMs?: number;
  /** How long the list of a scope's media keys is reused between media requests. @default 10 s */
  scopeCacheMs?: number;
  logger?: Logger;
  /** @default Date.now */
  now?: () => number;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Catalogue keys the page's script words itself with. */
const PAGE_KEYS = (Object.keys(CATALOGUES.en) as MessageKey[]).filter((k) =>
  /^gallery\.(page|kind|state)\./.test(k),
);

export class GalleryService implements GalleryLinks {
  readonly #o: GalleryServiceOptions;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #scopes = new Map<string, { at: number; keys: Map<string, string> }>();

  constructor(options: GalleryServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
  }

  linkFor(scope: GalleryScope): GalleryLink {
    const expiresAt = this.#now() + (this.#o.linkTtlMs ?? 24 * 3_600_000);
    const grant: GalleryGrant = { ...scope, expiresAt };
    const token = signGalleryToken(this.#o.secret, grant);
    const base = this.#o.baseUrl().replace(/\/+$/, '');
    // Whole seconds in the token: the link says the moment it really ends.
    return { url: `${base}${GALLERY_PATH}/${token}/`, expiresAt: Math.ceil(expiresAt / 1000) * 1000 };
  }

  /** Serve `path` when it is under `/gallery`; resolves false for any other path. */
  async handle(path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (path !== GALLERY_PATH && !path.startsWith(`${GALLERY_PATH}/`)) return false;
    const [token = '', ...rest] = path.slice(GALLERY_PATH.length + 1).split('/');
    const check = verifyGalleryToken(this.#o.secret, token, this.#now());
    if (!check.ok) {
      unauthorized(res);
      return true;
    }
    const grant = check.grant;
    if (rest.length === 0) {
      // Relative URLs in the page need the trailing slash.
      res.writeHead(308, { location: `${token}/`, 'cache-control': 'no-store', ...SECURITY_HEADERS });
      res.end();
      return true;
    }
    const what = rest.join('/');
    if (what === '') return this.#page(grant, req, res);
    if (what === 'gallery.css') return sendText(req, res, 'text/css; charset=utf-8', GALLERY_CSS);
    if (what === 'gallery.js') return sendText(req, res, 'text/javascript; charset=utf-8', GALLERY_JS);
    if (what === 'data.json') return this.#data(grant, req, res);
    const media = /^media\/([0-9a-f]{32})\.(mp4|webp)$/.exec(what);
    if (media) return this.#media(grant, media[1]!, media[2] as 'mp4' | 'webp', req, res);
    notFound(res);
    return true;
  }

  #page(grant: GalleryGrant, req: IncomingMessage, res: ServerResponse): boolean {
    const html = galleryHtml({
      lang: langOf(grant.locale),
      title: t(grant.locale, 'gallery.page.title'),
      failed: t(grant.locale, 'gallery.page.loadFailed'),
    });
    return sendText(req, res, 'text/html; charset=utf-8', html, { 'content-security-policy': PAGE_CSP });
  }

  async #data(grant: GalleryGrant, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const videos = await galleryVideos(this.#o.engine, this.#o.media, grant);
    this.#remember(grant, videos);
    const text = Object.fromEntries(PAGE_KEYS.map((k) => [k, t(grant.locale, k)]));
    const body = JSON.stringify({
      locale: langOf(grant.locale),
      expiresAt: grant.expiresAt,
      retentionMs: this.#o.media?.stats().retentionMs ?? 0,
      text,
      videos,
    });
    return sendText(req, res, 'application/json; charset=utf-8', body);
  }

  async #media(
    grant: GalleryGrant,
    key: string,
    ext: 'mp4' | 'webp',
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<boolean> {
    const media = this.#o.media;
    const keys = await this.#keysOf(grant);
    const videoId = keys.get(key);
    const file =
      media && videoId ? (ext === 'mp4' ? media.video(videoId) : media.thumbnail(videoId)) : undefined;
    if (!file) {
      notFound(res);
      return true;
    }
    const range = parseRange(req.headers.range, file.bytes);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { 'content-range': `bytes */${file.bytes}`, ...SECURITY_HEADERS });
      res.end();
      return true;
    }
    const [start, end] = range ?? [0, file.bytes - 1];
    const stream = createReadStream(file.path, { start, end });
    // Opened before the status line, so a file swept meanwhile is a clean 404.
    const opened = await new Promise<boolean>((resolve) => {
      stream.once('open', () => resolve(true));
      stream.once('error', () => resolve(false));
    });
    if (!opened) {
      notFound(res);
      return true;
    }
    res.writeHead(range ? 206 : 200, {
      'content-type': file.contentType,
      'content-length': end - start + 1,
      'accept-ranges': 'bytes',
      'cache-control': 'private, max-age=300',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${file.bytes}` } : {}),
      ...SECURITY_HEADERS,
    });
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
      return true;
    }
    pipeline(stream, res, (err) => {
      if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') this.#logger.warn('gallery media cut', { err });
    });
    return true;
  }

  /** Media key → video id of the scope's videos (a short cache: a player asks many ranges). */
  async #keysOf(grant: GalleryGrant): Promise<Map<string, string>> {
    const cached = this.#scopes.get(scopeId(grant));
    if (cached && this.#now() - cached.at < (this.#o.scopeCacheMs ?? 10_000)) return cached.keys;
    const videos = await galleryVideos(this.#o.engine, this.#o.media, grant);
    this.#remember(grant, videos);
    return this.#scopes.get(scopeId(grant))?.keys ?? new Map();
  }

  #remember(grant: GalleryScope, videos: ReadonlyArray<{ key: string; videoId: string }>): void {
    if (this.#scopes.size > 1000) this.#scopes.clear();
    this.#scopes.set(scopeId(grant), {
      at: this.#now(),
      keys: new Map(videos.map((v) => [v.key, v.videoId])),
    });
  }
}

function scopeId(scope: GalleryScope): string {
  return `${scope.platform}:${scope.workspaceId}`;
}

/** One `bytes=` range; `undefined` for none (or several: the whole file is sent). */
export function parseRange(
  header: string | undefined,
  size: number,
): [number, number] | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}

function sendText(
  req: IncomingMessage,
  res: ServerResponse,
  contentType: string,
  body: string,
  extra: Record<string, string> = {},
): true {
  res.writeHead(200, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
    ...extra,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

function unauthorized(res: ServerResponse): void {
  // No valid link, no language known: both.
  const body = `${t('en', 'gallery.page.unauthorized')}\n${t('zh-CN', 'gallery.page.unauthorized')}\n`;
  res.writeHead(401, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
  });
  res.end(body);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
  });
  res.end('not found\n');
}

/**
 * Gallery link tokens: `<payload>.<signature>`, both base64url. The payload names the scope
 * (platform and workspace), the reader's language and the expiry; the signature is
 * HMAC-SHA256 over the payload with `GALLERY_SECRET`. A token is checked in constant time and
 * refused once expired, so a link shows one server's videos for a limited time and nothing else.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Platform } from '../../engine/job.ts';

export interface GalleryScope {
  platform: Platform;
  workspaceId: string;
  /** The locale the page is worded in. */
  locale?: string;
}

export interface GalleryGrant extends GalleryScope {
  /** ms epoch. */
  expiresAt: number;
}

interface Payload {
  /** Version of the token shape. */
  v: 1;
  p: Platform;
  w: string;
  l?: string;
  /** Expiry, Unix seconds. */
  e: number;
}

const PLATFORMS: ReadonlySet<string> = new Set(['discord', 'slack', 'cli']);
/** Longest token read: a workspace id is short; anything longer is not ours. */
const MAX_TOKEN_CHARS = 512;

export function signGalleryToken(secret: string, grant: GalleryGrant): string {
  const payload: Payload = {
    v: 1,
    p: grant.platform,
    w: grant.workspaceId,
    e: Math.ceil(grant.expiresAt / 1000),
  };
  if (grant.locale) payload.l = grant.locale.slice(0, 16);
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

export type TokenCheck = { ok: true; grant: GalleryGrant } | { ok: false; why: 'invalid' | 'expired' };

/** Check a token's signature, then its expiry. */
export function verifyGalleryToken(secret: string, token: string, nowMs: number): TokenCheck {
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, why: 'invalid' };
  const dot = token.indexOf('.');
  if (dot <= 0) return { ok: false, why: 'invalid' };
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = Buffer.from(mac(secret, body), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, why: 'invalid' };
  let payload: Partial<Payload>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Payload>;
  } catch {
    return { ok: false, why: 'invalid' };
  }
  if (
    payload.v !== 1 ||
    typeof payload.p !== 'string' ||
    !PLATFORMS.has(payload.p) ||
    typeof payload.w !== 'string' ||
    typeof payload.e !== 'number'
  ) {
    return { ok: false, why: 'invalid' };
  }
  const expiresAt = payload.e * 1000;
  if (nowMs >= expiresAt) return { ok: false, why: 'expired' };
  const grant: GalleryGrant = { platform: payload.p, workspaceId: payload.w, expiresAt };
  if (typeof payload.l === 'string') grant.locale = payload.l;
  return { ok: true, grant };
}

function mac(secret: string, body: string): string {
  // Domain-separated, so the secret signs nothing else by accident.
  return createHmac('sha256', secret).update(`reelbot-gallery.${body}`).digest('base64url');
}

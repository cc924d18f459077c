/**
 * Which route a method + path is, given what this deployment offers. Routes a
 * dialect lacks are not matched at all, so they answer "Invalid URL" like the
 * real thing instead of a softer error.
 */
import type { DialectProfile } from './dialects/dialect-profile.ts';
import type { SimRoute } from './fault-controller.ts';

export interface RouteMatch {
  route: SimRoute;
  /** The id in the path, when the path has one (a character id on `retrieve-character`). */
  videoId: string | undefined;
}

export interface RouteOffer {
  dialect: DialectProfile;
  remix: boolean;
  contentEndpoint: boolean;
  /** `POST /videos/edits`, `POST /videos/extensions`, `/videos/characters[/{id}]`. */
  editRoutes: boolean;
}

/** The 2026 routes named by a fixed word where a video id would stand. */
const EDIT_ROUTE_WORDS: Readonly<Record<string, SimRoute>> = {
  edits: 'edit',
  extensions: 'extend',
  characters: 'create-character',
};

/** Unauthenticated download links: `/files/<id>.mp4?sig=...`. */
export const ASSET_PATH_PREFIX = '/files/';

export function matchRoute(method: string, pathname: string, offer: RouteOffer): RouteMatch | undefined {
  const match = matchAnyRoute(method, pathname, offer);
  const lacks: readonly string[] = offer.dialect.lacks ?? [];
  return match && lacks.includes(match.route) ? undefined : match;
}

function matchAnyRoute(method: string, pathname: string, offer: RouteOffer): RouteMatch | undefined {
  if (pathname.startsWith(ASSET_PATH_PREFIX)) {
    const name = decodeURIComponent(pathname.slice(ASSET_PATH_PREFIX.length));
    return method === 'GET' && name.endsWith('.mp4') && !name.includes('/')
      ? { route: 'asset', videoId: name.slice(0, -'.mp4'.length) }
      : undefined;
  }
  const parts = pathname.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent);
  if (parts[0] !== 'v1' || parts[1] !== 'videos') return undefined;
  const [, , id, action, ...rest] = parts;
  if (rest.length > 0) return undefined;
  if (id === undefined) {
    if (method === 'POST') return { route: 'create', videoId: undefined };
    if (method === 'GET') return { route: 'list', videoId: undefined };
    return undefined;
  }
  if (offer.editRoutes && Object.hasOwn(EDIT_ROUTE_WORDS, id)) {
    if (id === 'characters' && action !== undefined && method === 'GET')
      return { route: 'retrieve-character', videoId: action };
    if (action === undefined && method === 'POST')
      return { route: EDIT_ROUTE_WORDS[id]!, videoId: undefined };
  }
  const remixHere = offer.remix && method === 'POST';
  if (action === undefined) {
    if (id === 'remix' && remixHere && offer.dialect.remixRoute === 'body') {
      return { route: 'remix', videoId: undefined };
    }
    if (method === 'GET') return { route: 'retrieve', videoId: id };
    if (method === 'DELETE') return { route: 'delete', videoId: id };
    return undefined;
  }
  if (action === 'remix' && remixHere && offer.dialect.remixRoute === 'path')
    return { route: 'remix', videoId: id };
  if (action === 'content' && method === 'GET' && offer.contentEndpoint)
    return { route: 'content', videoId: id };
  return undefined;
}

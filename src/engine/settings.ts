/**
 * Admin settings changed at run time (stored under `settings:`): per-user limit overrides,
 * per-workspace daily caps, allowed channels, and the team controls' video defaults (per
 * workspace, per channel, per user) and prompt blocklist. Cached in memory: for good when one
 * process owns the store; for a few seconds when several instances share it, so a change made on
 * one instance applies on every other within that time.
 */
import type { UserLimits } from './engine-api.ts';
import type { Platform } from './job.ts';
import type { Store } from './store.ts';
import type { DefaultsScope, VideoDefaults } from './video-defaults.ts';

export interface SettingsOptions {
  /** How long a read value is trusted. @default forever (one process owns the store) */
  cacheMs?: number;
  now?: () => number;
}

/** How long instances sharing a store trust a settings value they read (`SettingsOptions.cacheMs`). */
export const SHARED_SETTINGS_CACHE_MS = 5000;
/** Values kept in memory at most (a person's defaults are one each). */
const CACHE_ENTRIES = 50_000;

export class Settings {
  readonly #store: Store;
  readonly #cache = new Map<string, { value: unknown; until: number }>();
  readonly #cacheMs: number;
  readonly #now: () => number;

  constructor(store: Store, options: SettingsOptions = {}) {
    this.#store = store;
    this.#cacheMs = options.cacheMs ?? Number.POSITIVE_INFINITY;
    this.#now = options.now ?? Date.now;
  }

  userLimits(platform: Platform, workspaceId: string, userId: string): Promise<UserLimits | undefined> {
    return this.#read<UserLimits>(`settings:limits:${platform}:${workspaceId}:${userId}`);
  }

  setUserLimits(platform: Platform, workspaceId: string, userId: string, limits: UserLimits | null) {
    return this.#write(`settings:limits:${platform}:${workspaceId}:${userId}`, limits);
  }

  workspaceCap(platform: Platform, workspaceId: string): Promise<number | undefined> {
    return this.#read<number>(`settings:cap:${platform}:${workspaceId}`);
  }

  setWorkspaceCap(platform: Platform, workspaceId: string, cap: number | null) {
    return this.#write(`settings:cap:${platform}:${workspaceId}`, cap);
  }

  async allowedChannels(platform: Platform, workspaceId: string): Promise<string[] | null> {
    const list = await this.#read<string[]>(`settings:channels:${platform}:${workspaceId}`);
    return list && list.length > 0 ? list : null;
  }

  setAllowedChannels(platform: Platform, workspaceId: string, channelIds: string[] | null) {
    const value = channelIds && channelIds.length > 0 ? [...new Set(channelIds)] : null;
    return this.#write(`settings:channels:${platform}:${workspaceId}`, value);
  }

  videoDefaults(
    platform: Platform,
    workspaceId: string,
    scope: DefaultsScope,
  ): Promise<VideoDefaults | undefined> {
    return this.#read<VideoDefaults>(defaultsKey(platform, workspaceId, scope));
  }

  setVideoDefaults(
    platform: Platform,
    workspaceId: string,
    scope: DefaultsScope,
    value: VideoDefaults | null,
  ) {
    const empty = value !== null && Object.keys(value).length === 0;
    return this.#write(defaultsKey(platform, workspaceId, scope), empty ? null : value);
  }

  async blocklist(platform: Platform, workspaceId: string): Promise<string[]> {
    return (await this.#read<string[]>(`settings:blocklist:${platform}:${workspaceId}`)) ?? [];
  }

  setBlocklist(platform: Platform, workspaceId: string, terms: string[]) {
    const value = terms.length > 0 ? [...new Set(terms)] : null;
    return this.#write(`settings:blocklist:${platform}:${workspaceId}`, value);
  }

  async #read<T>(key: string): Promise<T | undefined> {
    const cached = this.#cache.get(key);
    if (cached && cached.until > this.#now()) return cached.value as T | undefined;
    const value = await this.#store.get<T>(key);
    this.#remember(key, value);
    return value;
  }

  async #write(key: string, value: unknown): Promise<void> {
    if (value === null) await this.#store.delete(key);
    else await this.#store.set(key, value);
    this.#remember(key, value ?? undefined);
  }

  #remember(key: string, value: unknown): void {
    this.#cache.delete(key);
    this.#cache.set(key, { value, until: this.#now() + this.#cacheMs });
    // One entry per person who ever asked: past a bound, forget the one fetched longest ago.
    if (this.#cache.size > CACHE_ENTRIES) this.#cache.delete(this.#cache.keys().next().value!);
  }
}

function defaultsKey(platform: Platform, workspaceId: string, scope: DefaultsScope): string {
  const base = `settings:defaults:${platform}:${workspaceId}`;
  if (scope.kind === 'channel') return `${base}:channel:${scope.channelId}`;
  if (scope.kind === 'user') return `${base}:user:${scope.userId}`;
  return base;
}

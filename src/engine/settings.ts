/**
 * Admin settings changed at run time (stored under `settings:`): per-user limit overrides,
 * per-workspace daily caps, allowed channels, and the team controls' video defaults (per
 * workspace, per channel, per user) and prompt blocklist. Cached in memory: one process owns
 * the store.
 */
import type { UserLimits } from './engine-api.ts';
import type { Platform } from './job.ts';
import type { Store } from './store.ts';
import type { DefaultsScope, VideoDefaults } from './video-defaults.ts';

export class Settings {
  readonly #store: Store;
  readonly #cache = new Map<string, unknown>();

  constructor(store: Store) {
    this.#store = store;
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
    if (this.#cache.has(key)) return this.#cache.get(key) as T | undefined;
    const value = await this.#store.get<T>(key);
    this.#cache.set(key, value);
    return value;
  }

  async #write(key: string, value: unknown): Promise<void> {
    if (value === null) await this.#store.delete(key);
    else await this.#store.set(key, value);
    this.#cache.set(key, value ?? undefined);
  }
}

function defaultsKey(platform: Platform, workspaceId: string, scope: DefaultsScope): string {
  const base = `settings:defaults:${platform}:${workspaceId}`;
  if (scope.kind === 'channel') return `${base}:channel:${scope.channelId}`;
  if (scope.kind === 'user') return `${base}:user:${scope.userId}`;
  return base;
}

/**
 * Admin settings changed at run time (stored under `settings:`): per-user limit overrides,
 * per-workspace daily caps, allowed channels. Cached in memory: one process owns the store.
 */
import type { UserLimits } from './engine-api.ts';
import type { Platform } from './job.ts';
import type { Store } from './store.ts';

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

/**
 * Who is acting, with their admin standing and language: `ADMIN_USERS`, or a workspace
 * admin/owner per `users.info`, whose `locale` (asked for with `include_locale`) picks English
 * or Simplified Chinese. Looked up at most every few minutes per user (one call, cached).
 */
import type { webApi } from '@slack/bolt';
import type { Actor } from '../../engine/engine-api.ts';
import type { Logger } from '../../log/logger.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** How long a user's admin standing, name and locale are trusted. @default 5 minutes */
export const ACTOR_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 2000;

/** An actor as Slack knows them: with their client's locale (`zh-CN`, `en-US`, ...) when known. */
export interface SlackActor extends Actor {
  locale?: string;
}

interface Entry {
  isAdmin: boolean;
  name?: string;
  locale?: string;
  at: number;
}

export class ActorResolver {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly client: WebClient,
    private readonly adminUsers: readonly string[],
    private readonly logger: Logger,
    private readonly ttlMs = ACTOR_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The actor for `userId`; `displayName` is what the payload said (used when users.info has nothing better). */
  async actor(userId: string, displayName: string): Promise<SlackActor> {
    const listed = this.adminUsers.includes(userId) || this.adminUsers.includes(`slack:${userId}`);
    const info = await this.lookup(userId);
    return {
      platform: 'slack',
      userId,
      displayName: info.name ?? displayName,
      isAdmin: listed || info.isAdmin,
      ...(info.locale ? { locale: info.locale } : {}),
    };
  }

  /**
   * The locale remembered for `userId`, without a lookup: for answers that cannot wait for
   * users.info (a modal must open within the trigger's 3 seconds). English when not known yet.
   */
  cachedLocale(userId: string): string | undefined {
    return this.cache.get(userId)?.locale;
  }

  private async lookup(userId: string): Promise<Omit<Entry, 'at'>> {
    const hit = this.cache.get(userId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit;
    try {
      const res = await this.client.users.info({ user: userId, include_locale: true });
      const u = res.user;
      const name = u?.profile?.display_name || u?.real_name || u?.name;
      const entry: Entry = {
        isAdmin: Boolean(u?.is_admin || u?.is_owner),
        at: this.now(),
        ...(name ? { name } : {}),
        ...(u?.locale ? { locale: u.locale } : {}),
      };
      this.remember(userId, entry);
      return entry;
    } catch (err) {
      // Not knowing makes nobody an admin (and speaks English); the requester can still act on their own jobs.
      this.logger.warn('slack users.info failed; treating the user as a non-admin', { userId, err });
      return { isAdmin: false };
    }
  }

  private remember(userId: string, entry: Entry): void {
    this.cache.delete(userId);
    if (this.cache.size >= MAX_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(userId, entry);
  }
}

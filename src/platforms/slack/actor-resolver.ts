/**
 * Who is acting, with their admin standing: `ADMIN_USERS`, or a workspace admin/owner per
 * `users.info`. Looked up at most every few minutes per user (one `users.info` call, cached).
 */
import type { webApi } from '@slack/bolt';
import type { Actor } from '../../engine/engine-api.ts';
import type { Logger } from '../../log/logger.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 2000;

export class ActorResolver {
  private readonly cache = new Map<string, { isAdmin: boolean; name?: string; at: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly adminUsers: readonly string[],
    private readonly logger: Logger,
  ) {}

  /** The actor for `userId`; `displayName` is what the payload said (used when users.info has nothing better). */
  async actor(userId: string, displayName: string): Promise<Actor> {
    const listed = this.adminUsers.includes(userId);
    const info = await this.lookup(userId);
    return {
      platform: 'slack',
      userId,
      displayName: info.name ?? displayName,
      isAdmin: listed || info.isAdmin,
    };
  }

  private async lookup(userId: string): Promise<{ isAdmin: boolean; name?: string }> {
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit;
    try {
      const res = await this.client.users.info({ user: userId });
      const u = res.user;
      const name = u?.profile?.display_name || u?.real_name || u?.name;
      const entry = {
        isAdmin: Boolean(u?.is_admin || u?.is_owner),
        at: Date.now(),
        ...(name ? { name } : {}),
      };
      this.remember(userId, entry);
      return entry;
    } catch (err) {
      // Not knowing makes nobody an admin; the requester can still act on their own jobs.
      this.logger.warn('slack users.info failed; treating the user as a non-admin', { userId, err });
      return { isAdmin: false };
    }
  }

  private remember(userId: string, entry: { isAdmin: boolean; name?: string; at: number }): void {
    if (this.cache.size >= MAX_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(userId, entry);
  }
}

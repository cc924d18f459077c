/**
 * The admin commands every chat platform offers (Discord `/video-admin`, Slack `/video-admin`):
 * per-user limits, resetting a user's day, the workspace cap and the allowed channels. Adapters
 * parse their own input into an {@link AdminAction}, check the caller is an admin, and show the
 * answer this returns.
 */
import type { EngineApi, UserLimits } from '../engine/engine-api.ts';
import type { Platform } from '../engine/job.ts';
import { t } from '../presentation/catalogue/catalogue.ts';

export type AdminAction =
  | {
      kind: 'set-quota';
      userId: string;
      videos: number | null;
      seconds: number | null;
      active: number | null;
    }
  | { kind: 'reset-quota'; userId: string }
  | { kind: 'workspace-cap'; cap: number | null }
  | { kind: 'channels'; op: 'add' | 'remove'; channelId: string }
  | { kind: 'channels'; op: 'list' | 'clear' };

export interface AdminContext {
  engine: EngineApi;
  platform: Platform;
  workspaceId: string;
  locale: string | undefined;
  /** How the platform mentions a user or a channel in the answer. */
  mentionUser(userId: string): string;
  mentionChannel(channelId: string): string;
}

/** Carry out `action`; resolves the answer to show the admin, in their language. */
export async function runAdminAction(c: AdminContext, action: AdminAction): Promise<string> {
  const { engine, platform, workspaceId, locale } = c;
  const place = t(locale, `place.${platform}`);
  switch (action.kind) {
    case 'channels': {
      const current = (await engine.allowedChannels(platform, workspaceId)) ?? [];
      let next: string[] = current;
      if (action.op === 'add') next = [...new Set([...current, action.channelId])];
      if (action.op === 'remove') next = current.filter((ch) => ch !== action.channelId);
      if (action.op === 'clear') next = [];
      if (action.op !== 'list')
        await engine.setAllowedChannels(platform, workspaceId, next.length > 0 ? next : null);
      return next.length > 0
        ? t(locale, 'admin.channels', { list: next.map((ch) => c.mentionChannel(ch)).join(', ') })
        : t(locale, 'admin.channelsAll');
    }
    case 'set-quota': {
      const limits: UserLimits = {};
      if (action.videos !== null) limits.dailyVideos = action.videos;
      if (action.seconds !== null) limits.dailySeconds = action.seconds;
      if (action.active !== null) limits.activeJobs = action.active;
      const none = Object.keys(limits).length === 0;
      await engine.setUserLimits(platform, workspaceId, action.userId, none ? null : limits);
      const def = t(locale, 'admin.default');
      return t(locale, 'admin.setQuota', {
        user: c.mentionUser(action.userId),
        videos: action.videos ?? def,
        seconds: action.seconds ?? def,
        active: action.active ?? def,
      });
    }
    case 'reset-quota':
      await engine.resetUserUsage(platform, workspaceId, action.userId);
      return t(locale, 'admin.resetQuota', { user: c.mentionUser(action.userId) });
    case 'workspace-cap':
      await engine.setWorkspaceCap(platform, workspaceId, action.cap);
      return action.cap === null
        ? t(locale, 'admin.capDefault', { place })
        : t(locale, 'admin.cap', { cap: action.cap, place });
  }
}

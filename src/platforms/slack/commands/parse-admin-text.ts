/**
 * Parses `/video-admin` text into an admin action:
 * `set-quota @user [videos=N] [seconds=N] [active=N]`, `reset-quota @user`,
 * `workspace-cap [N]`, `channels add|remove #channel`, `channels list|clear`.
 * Slack sends mentions escaped (`<@U123|ada>`, `<#C123|videos>`, manifest `should_escape`);
 * bare ids are understood too.
 */
import type { AdminAction } from '../../admin-actions.ts';

const USER_RE = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$/;
const CHANNEL_RE = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$|^([CG][A-Z0-9]{2,})$/;
const LIMIT_RE = /^(videos|seconds|active)=(\d{1,7})$/i;

function idOf(re: RegExp, word: string | undefined): string | undefined {
  const m = word ? re.exec(word) : null;
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The action, or `undefined` when the text is not one (the caller shows the usage). */
export function parseAdminText(text: string): AdminAction | undefined {
  const [sub, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  switch (sub?.toLowerCase()) {
    case 'set-quota': {
      const userId = idOf(USER_RE, rest[0]);
      if (!userId) return undefined;
      const limits = { videos: null, seconds: null, active: null } as Record<
        'videos' | 'seconds' | 'active',
        number | null
      >;
      for (const word of rest.slice(1)) {
        const m = LIMIT_RE.exec(word);
        if (!m?.[1] || !m[2]) return undefined;
        limits[m[1].toLowerCase() as 'videos' | 'seconds' | 'active'] = Number(m[2]);
      }
      if (limits.active === 0) return undefined; // at least one job at once
      return { kind: 'set-quota', userId, ...limits };
    }
    case 'reset-quota': {
      const userId = idOf(USER_RE, rest[0]);
      return userId && rest.length === 1 ? { kind: 'reset-quota', userId } : undefined;
    }
    case 'workspace-cap': {
      if (rest.length === 0) return { kind: 'workspace-cap', cap: null };
      const n = rest.length === 1 && /^\d{1,7}$/.test(rest[0] ?? '') ? Number(rest[0]) : undefined;
      return n === undefined ? undefined : { kind: 'workspace-cap', cap: n };
    }
    case 'channels': {
      const op = rest[0]?.toLowerCase();
      if ((op === 'list' || op === 'clear') && rest.length === 1) return { kind: 'channels', op };
      const channelId = idOf(CHANNEL_RE, rest[1]);
      if ((op === 'add' || op === 'remove') && channelId && rest.length === 2)
        return { kind: 'channels', op, channelId };
      return undefined;
    }
    default:
      return undefined;
  }
}

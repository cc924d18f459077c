/**
 * Video defaults set per workspace and per channel by admins, and per user for what admins leave
 * open, and how they combine with what a `/video` asked for: the request's own options win, then
 * the channel's defaults, then the workspace's, then the user's own, then the configuration.
 * Whether starting from an image is allowed is an admin policy (channel, then workspace).
 */

export const DEFAULT_FIELDS = ['model', 'size', 'seconds', 'variants', 'private', 'imageToVideo'] as const;
export type DefaultField = (typeof DEFAULT_FIELDS)[number];

/** Fields a user may set for themselves. */
export const USER_FIELDS: readonly DefaultField[] = ['model', 'size', 'seconds', 'variants', 'private'];

export const MAX_VARIANTS = 4;

export interface VideoDefaults {
  model?: string;
  size?: string;
  seconds?: number;
  /** Upstream jobs per request, 1 to {@link MAX_VARIANTS}. */
  variants?: number;
  /** Only the requester sees the job and gets the video. */
  private?: boolean;
  /** Starting from an image is allowed (admins only). */
  imageToVideo?: boolean;
}

export type DefaultsScope =
  | { kind: 'workspace' }
  | { kind: 'channel'; channelId: string }
  | { kind: 'user'; userId: string };

/** Where an effective value came from. */
export type DefaultSource = 'option' | 'channel' | 'workspace' | 'user' | 'config';

export interface Effective<T> {
  value: T;
  source: DefaultSource;
}

export interface EffectiveDefaults {
  model: Effective<string>;
  size: Effective<string>;
  seconds: Effective<number>;
  variants: Effective<number>;
  private: Effective<boolean>;
  imageToVideo: Effective<boolean>;
  /** Fields the user set for themselves that an admin default overrides here. */
  overridden: DefaultField[];
}

export interface DefaultsLayers {
  options: VideoDefaults;
  channel: VideoDefaults;
  workspace: VideoDefaults;
  user: VideoDefaults;
  config: Required<Omit<VideoDefaults, never>>;
}

/** Combine the layers, naming the source of each value. */
export function resolveDefaults(l: DefaultsLayers): EffectiveDefaults {
  const pick = <K extends DefaultField>(
    field: K,
    userMay: boolean,
  ): Effective<Required<VideoDefaults>[K]> => {
    const order: [DefaultSource, VideoDefaults][] = [
      ['option', l.options],
      ['channel', l.channel],
      ['workspace', l.workspace],
      ...(userMay ? ([['user', l.user]] as [DefaultSource, VideoDefaults][]) : []),
    ];
    for (const [source, layer] of order) {
      const value = layer[field];
      if (value !== undefined) return { value: value as Required<VideoDefaults>[K], source };
    }
    return { value: l.config[field], source: 'config' };
  };
  const overridden = USER_FIELDS.filter(
    (f) => l.user[f] !== undefined && (l.channel[f] !== undefined || l.workspace[f] !== undefined),
  );
  return {
    model: pick('model', true),
    size: pick('size', true),
    seconds: pick('seconds', true),
    variants: pick('variants', true),
    private: pick('private', true),
    imageToVideo: pick('imageToVideo', false),
    overridden,
  };
}

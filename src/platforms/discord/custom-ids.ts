/**
 * Button and modal custom ids carry everything their handler needs (no in-memory state), so
 * buttons keep working after a restart. Discord caps custom ids at 100 characters.
 */

export const CUSTOM_ID_MAX = 100;

export type ComponentAction =
  | { kind: 'cancel'; jobId: string }
  | { kind: 'reroll'; jobId: string }
  | { kind: 'remix'; videoId: string }
  | { kind: 'remix-modal'; videoId: string };

const PREFIX = 'rb';

/** The custom id for `action`, or `undefined` when it would not fit in 100 characters. */
export function customIdOf(action: ComponentAction): string | undefined {
  const arg = 'jobId' in action ? action.jobId : action.videoId;
  const id = `${PREFIX}:${action.kind}:${arg}`;
  return id.length <= CUSTOM_ID_MAX ? id : undefined;
}

/** Parse a custom id made by {@link customIdOf}; `undefined` for anything else. */
export function parseCustomId(customId: string): ComponentAction | undefined {
  const m = /^rb:(cancel|reroll|remix|remix-modal):(.+)$/.exec(customId);
  if (!m) return undefined;
  const [, kind, arg] = m as unknown as [string, ComponentAction['kind'], string];
  return kind === 'cancel' || kind === 'reroll' ? { kind, jobId: arg } : { kind, videoId: arg };
}

/**
 * Button and modal custom ids carry everything their handler needs (no in-memory state), so
 * buttons keep working after a restart. Discord caps custom ids at 100 characters.
 */

export const CUSTOM_ID_MAX = 100;

export type ComponentAction =
  | { kind: 'cancel'; jobId: string }
  | { kind: 'reroll'; jobId: string }
  | { kind: 'remix'; videoId: string }
  | { kind: 'remix-modal'; videoId: string }
  /** Remix of the video a job made, for video ids too long for a custom id (LiteLLM's base64 ids). */
  | { kind: 'remix-job'; jobId: string }
  | { kind: 'remix-job-modal'; jobId: string }
  /** Team controls: Details and Delete on a result, paging of `/history`. */
  | { kind: 'details'; jobId: string }
  | { kind: 'delete'; jobId: string }
  | { kind: 'history'; scope: 'mine' | 'all'; page: number }
  /** Extend / Edit the video a job made (by job id: ours are short, upstream ids may not be). */
  | { kind: 'extend'; jobId: string }
  | { kind: 'extend-modal'; jobId: string }
  | { kind: 'edit'; jobId: string }
  | { kind: 'edit-modal'; jobId: string };

const PREFIX = 'rb';

/** The custom id for `action`, or `undefined` when it would not fit in 100 characters. */
export function customIdOf(action: ComponentAction): string | undefined {
  const arg =
    'jobId' in action
      ? action.jobId
      : 'videoId' in action
        ? action.videoId
        : `${action.scope}.${action.page}`;
  const id = `${PREFIX}:${action.kind}:${arg}`;
  return id.length <= CUSTOM_ID_MAX ? id : undefined;
}

/** The Remix button's action for a job's video: by video id when it fits, else by job id. */
export function remixActionOf(job: { id: string; videoId: string }): ComponentAction {
  const byVideo: ComponentAction = { kind: 'remix-modal', videoId: job.videoId };
  return customIdOf(byVideo) === undefined
    ? { kind: 'remix-job', jobId: job.id }
    : { kind: 'remix', videoId: job.videoId };
}

const BY_JOB: ReadonlySet<string> = new Set([
  'cancel',
  'reroll',
  'remix-job',
  'remix-job-modal',
  'details',
  'delete',
  'extend',
  'extend-modal',
  'edit',
  'edit-modal',
]);

/** Parse a custom id made by {@link customIdOf}; `undefined` for anything else. */
export function parseCustomId(customId: string): ComponentAction | undefined {
  const m =
    /^rb:(cancel|reroll|remix|remix-modal|remix-job|remix-job-modal|details|delete|history|extend|extend-modal|edit|edit-modal):(.+)$/.exec(
      customId,
    );
  if (!m) return undefined;
  const [, kind, arg] = m as unknown as [string, ComponentAction['kind'], string];
  if (kind === 'history') {
    const h = /^(mine|all)\.(\d{1,4})$/.exec(arg);
    return h ? { kind, scope: h[1] as 'mine' | 'all', page: Number(h[2]) } : undefined;
  }
  return (BY_JOB.has(kind) ? { kind, jobId: arg } : { kind, videoId: arg }) as ComponentAction;
}

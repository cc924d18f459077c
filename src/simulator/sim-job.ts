/**
 * One simulated video job and how its prompt steers it.
 *
 * Prompt tags (other engineers' tests rely on these; case-insensitive):
 * - `[reject]`            refused at create/remix/edit/extension: 400 `content_policy_violation`, no job made.
 * - `[reject-image]`      refused at create like `[reject]`, the refusal naming the input image.
 * - `[policy]` or the word `celebrity`
 *                         accepted, then fails shortly after starting: `content_policy_violation`.
 * - `[fail]`              accepted, then fails half-way: `generation_failed`.
 * - `[never]`             stays `in_progress` forever; progress stalls at {@link NEVER_STALL_PERCENT}.
 * - `[slow]`              takes 10x the normal run time.
 */

export type SimJobOutcome = 'complete' | 'policy' | 'fail' | 'never';

/** Internal state; `waiting` = accepted over the concurrency limit, shown as queued. */
export type SimJobState = 'waiting' | 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled';

/** Progress at which a `[never]` job stops moving. */
export const NEVER_STALL_PERCENT = 57;
/** Fraction of the run after which `[policy]` / `[fail]` jobs fail. */
const FAIL_AT_FRACTION: Record<SimJobOutcome, number> = { complete: 1, never: 1, policy: 0.2, fail: 0.5 };

export interface PromptSteering {
  /** Refuse at create (`[reject]`). */
  reject: boolean;
  outcome: SimJobOutcome;
  /** Run-time multiplier (`[slow]` = 10). */
  slowFactor: number;
}

/** Read the tags out of a prompt (see the module comment). */
export function steeringFor(prompt: string): PromptSteering {
  const p = prompt.toLowerCase();
  let outcome: SimJobOutcome = 'complete';
  if (p.includes('[never]')) outcome = 'never';
  if (p.includes('[fail]')) outcome = 'fail';
  if (p.includes('[policy]') || /\bcelebrity\b/.test(p)) outcome = 'policy';
  return { reject: p.includes('[reject]'), outcome, slowFactor: p.includes('[slow]') ? 10 : 1 };
}

/** How a job was made from its source: `POST /videos/{id}/remix`, `/videos/edits` or `/videos/extensions`. */
export type SimChangeKind = 'remix' | 'edit' | 'extension';

/** A job as the simulator keeps it. Times are epoch milliseconds. */
export interface SimJob {
  /** Id exactly as this dialect shows it. */
  readonly id: string;
  /** Which key made it (a digest, never the key). */
  readonly owner: string;
  readonly model: string;
  readonly prompt: string;
  readonly size: string;
  readonly width: number;
  readonly height: number;
  readonly seconds: number;
  /** Source id when this job is a remix, an edit or an extension (lineage). */
  readonly remixedFromVideoId: string | undefined;
  /** Prompt of the first video of the remix chain (colours derive from it). */
  readonly rootPrompt: string;
  /** Change prompts (remixes, edits, extensions) from the root down to this job (written on the card). */
  readonly remixPrompts: readonly string[];
  /**
   * What each of {@link remixPrompts} was, index for index; absent entries are remixes
   * (jobs saved before edits and extensions existed have none).
   */
  readonly changeKinds?: readonly SimChangeKind[];
  readonly hasInputReference: boolean;
  readonly outcome: SimJobOutcome;
  /** How long `in_progress` lasts. */
  readonly runMs: number;
  readonly createdAtMs: number;
  state: SimJobState;
  /** When the job got a concurrency slot. */
  admittedAtMs: number | undefined;
  startedAtMs: number | undefined;
  finishedAtMs: number | undefined;
  expiresAtMs: number | undefined;
  error: { code: string; message: string } | undefined;
  /** Progress frozen at the moment the job stopped (failed/cancelled). */
  frozenProgress: number | undefined;
  /** Byte length of the rendered MP4, once known (for `assets[].size_bytes`). */
  videoBytes: number | undefined;
  /** Answers given about this job (gateway varies its words with it). */
  answers: number;
}

/** What the outside sees: `expired` once past `expiresAtMs`. */
export type SimJobStatus = Exclude<SimJobState, 'waiting'> | 'expired';

export function statusOf(job: SimJob, now: number): SimJobStatus {
  if (job.state === 'waiting') return 'queued';
  if (job.state === 'completed' && job.expiresAtMs !== undefined && now >= job.expiresAtMs) return 'expired';
  return job.state;
}

/** Integer 0-100, rising smoothly while in progress. */
export function progressOf(job: SimJob, now: number): number {
  switch (job.state) {
    case 'waiting':
    case 'queued':
      return 0;
    case 'completed':
      return 100;
    case 'failed':
    case 'cancelled':
      return job.frozenProgress ?? 0;
    case 'in_progress': {
      const elapsed = now - (job.startedAtMs ?? now);
      const pct = Math.floor((elapsed / Math.max(1, job.runMs)) * 100);
      const cap = job.outcome === 'never' ? NEVER_STALL_PERCENT : 99;
      return Math.max(0, Math.min(cap, pct));
    }
  }
}

/** How long after starting a job reaches its end (never for `[never]`). */
export function finishDelayMs(job: SimJob): number | undefined {
  if (job.outcome === 'never') return undefined;
  return Math.round(job.runMs * FAIL_AT_FRACTION[job.outcome]);
}

/** Error a job with this outcome ends with. */
export function failureFor(outcome: SimJobOutcome): { code: string; message: string } | undefined {
  if (outcome === 'policy') {
    return {
      code: 'content_policy_violation',
      message: 'Your request was blocked by our content policy (simulated).',
    };
  }
  if (outcome === 'fail')
    return { code: 'generation_failed', message: 'Video generation failed (simulated).' };
  return undefined;
}

/**
 * Something that turns prompts into finished videos against the simulator: the bot's engine or
 * one of the poll loops users write today. The bench runs them side by side on one simulator.
 */

export interface FollowedJob {
  /** Upstream video id (the simulator's stats are keyed by it). */
  videoId: string;
  seconds: number;
  /** Epoch ms when the contender learned that the video was finished. */
  learnedAt: number;
  status: string;
}

export interface Contender {
  /** Short name for the table, e.g. `openai SDK, 20 s loop`. */
  readonly name: string;
  /** Make one video per entry (all at once) and follow each until it is finished. */
  run(seconds: readonly number[]): Promise<FollowedJob[]>;
  close?(): Promise<void>;
}

export const FINISHED = new Set(['completed', 'failed', 'cancelled', 'expired']);

/** A video prompt that says who made it, so the simulator's records are easy to read. */
export function promptFor(contender: string, i: number): string {
  return `bench ${contender} #${i}: a paper boat drifting down a rainy street`;
}

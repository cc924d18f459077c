/**
 * One line of the bench table: a figure, its target, and for comparisons the ratio to another
 * contender measured in the same run.
 */

export interface BenchRow {
  /** Scenario number and name, e.g. `1 ack latency`. */
  scenario: string;
  /** What was measured, e.g. `p99` or `calls/job: reelbot`. */
  metric: string;
  /** `NaN` when it could not be measured (see `note`). */
  value: number;
  unit: string;
  /** The goal in words, e.g. `<= 100 ms`. */
  target?: string;
  /** Whether the goal was met; absent for figures without a goal of their own. */
  pass?: boolean;
  /** Same-run comparison: `value / other` and who the other is. */
  ratio?: { against: string; value: number };
  note?: string;
}

/** What every scenario returns. */
export interface ScenarioResult {
  rows: BenchRow[];
  /** Raw figures worth keeping in the JSON (samples, per-job data). */
  detail?: unknown;
}

export interface BenchContext {
  quick: boolean;
  /** Time factor applied to real-world durations (see `lib/time-scale.ts`). */
  scale: number;
  /** Progress lines go here (stderr), the table to stdout. */
  log: (line: string) => void;
}

/** Every scenario, in the order the table shows them. */
import type { BenchContext, ScenarioResult } from '../report/bench-row.ts';
import { upstreamCalls } from './upstream-calls.ts';

export interface Scenario {
  id: number;
  name: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}

export const SCENARIOS: readonly Scenario[] = [{ id: 2, name: 'upstream calls', run: upstreamCalls }];

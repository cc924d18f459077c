/** Every scenario, in the order the table shows them. */
import type { BenchContext, ScenarioResult } from '../report/bench-row.ts';
import { ackLatency, inFlightMemoryRow } from './ack-latency.ts';
import { chatCalls } from './chat-calls.ts';
import { deliveryMemory } from './delivery-memory.ts';
import { fairness } from './fairness.ts';
import { recovery } from './recovery.ts';
import { recoveryAtScale } from './recovery-at-scale.ts';
import { scaleInFlight } from './scale-in-flight.ts';
import { severalInstances } from './several-instances.ts';
import { startupAndIdle } from './startup.ts';
import { storeCost } from './store-cost.ts';
import { upstreamCalls } from './upstream-calls.ts';

export interface Scenario {
  id: number;
  name: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 1,
    name: 'ack latency (+ memory with 1,000 jobs in flight)',
    run: async (ctx) => {
      const out = await ackLatency(ctx);
      return {
        rows: [...out.rows, inFlightMemoryRow(out.memory)],
        detail: { ...(out.detail as object), memory: out.memory },
      };
    },
  },
  { id: 2, name: 'upstream calls', run: upstreamCalls },
  { id: 3, name: 'chat calls', run: chatCalls },
  { id: 4, name: 'fairness', run: fairness },
  { id: 5, name: 'memory during deliveries', run: deliveryMemory },
  { id: 6, name: 'recovery', run: recovery },
  { id: 10, name: '10,000 jobs in flight', run: scaleInFlight },
  { id: 11, name: 'store cost per state change', run: storeCost },
  { id: 12, name: 'start to ready and idle memory', run: startupAndIdle },
  { id: 13, name: 'recovery at ten times the size', run: recoveryAtScale },
  { id: 14, name: 'several instances over Redis', run: severalInstances },
];

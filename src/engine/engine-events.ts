/**
 * What the engine tells observers (tests, metrics): state changes and upstream calls.
 */
import { EventEmitter } from 'node:events';
import type { Job, JobState } from './job.ts';

export type UpstreamOp = 'create' | 'remix' | 'extend' | 'edit' | 'retrieve' | 'list' | 'delete' | 'download';

export interface UpstreamCall {
  op: UpstreamOp;
  jobId?: string;
  ok: boolean;
  /** Error class name when it failed. */
  error?: string;
  ms: number;
}

export interface EngineEventMap {
  /** A job was written in a new state (`previous` undefined: just accepted). */
  state: [job: Job, previous: JobState | undefined];
  /** One upstream call ended. */
  upstream: [call: UpstreamCall];
  /** Upstream slots held changed (never above `maxConcurrency` through our own submissions). */
  inflight: [count: number];
  /** A job's surface confirmed delivery. */
  delivered: [job: Job];
  /** An upstream key left the pool (the upstream refused it). */
  keys: [info: { disabled: number; total: number }];
  /** Something went wrong that the engine handled (logged too). */
  problem: [info: { jobId?: string; what: string; error: unknown }];
}

export class EngineEvents extends EventEmitter<EngineEventMap> {}

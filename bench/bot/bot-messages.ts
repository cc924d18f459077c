/** What the bench and the bot child process say to each other over IPC. */

export interface MemoryFigures {
  /** Highest resident set size since the last reset, bytes. */
  peakRss: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** How the peak was taken: the kernel's high-water mark (exact) or 20 ms sampling. */
  peakSource: 'kernel' | 'sampled';
  /** Event-loop delay since the last reset (how long work waited for the loop), ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export type ToBot = { type: 'memory'; reset: boolean } | { type: 'stop' };

export type FromBot =
  | { type: 'ready'; startMs: number }
  | { type: 'memory'; figures: MemoryFigures }
  | { type: 'state'; jobId: string; state: string; at: number }
  | { type: 'delivered'; jobId: string; at: number }
  | { type: 'failed-to-start'; error: string };

/**
 * Peak RSS of this process between resets. On Linux the kernel's high-water mark (`VmHWM`) is
 * exact and resettable through `/proc/self/clear_refs`; elsewhere a 20 ms sampler stands in
 * (it can miss a spike shorter than a tick).
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { procMemory } from '../lib/proc-memory.ts';
import type { MemoryFigures } from './bot-messages.ts';

function kernelPeak(): number | undefined {
  const peak = procMemory(process.pid).peakRss;
  return Number.isNaN(peak) ? undefined : peak;
}

function resetKernelPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export class PeakMemory {
  #sampled = 0;
  #kernel = resetKernelPeak();
  readonly #timer: NodeJS.Timeout;
  readonly #loop = monitorEventLoopDelay({ resolution: 5 });

  constructor() {
    this.#loop.enable();
    // Reading RSS costs a syscall and a /proc read; sample only where the kernel keeps no peak.
    this.#timer = setInterval(() => {
      if (!this.#kernel) this.#sample();
    }, 20);
    this.#timer.unref();
    this.#sample();
  }

  reset(): void {
    this.#kernel = resetKernelPeak();
    this.#sampled = 0;
    this.#loop.reset();
    this.#sample();
  }

  figures(): MemoryFigures {
    this.#sample();
    const m = process.memoryUsage();
    const kernel = this.#kernel ? kernelPeak() : undefined;
    return {
      peakRss: Math.max(this.#sampled, kernel ?? 0),
      rss: m.rss,
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      peakSource: kernel === undefined ? 'sampled' : 'kernel',
      loopDelayP99Ms: this.#loop.percentile(99) / 1e6,
      loopDelayMaxMs: this.#loop.max / 1e6,
    };
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#loop.disable();
  }

  #sample(): void {
    this.#sampled = Math.max(this.#sampled, process.memoryUsage.rss());
  }
}

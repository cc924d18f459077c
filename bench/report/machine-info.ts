/** The machine a bench ran on: figures only compare between runs on like machines. */
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  node: string;
  os: string;
  memoryMiB: number;
  /** 1-minute load average when the run started and when it ended: other work on the machine skews times. */
  loadAtStart: number;
  loadAtEnd: number;
}

/** Load average when the run started (call before any scenario). */
export const loadAtStart = loadavg()[0] ?? Number.NaN;

export function machineInfo(): MachineInfo {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${platform()} ${release()}`,
    memoryMiB: Math.round(totalmem() / 1024 / 1024),
    loadAtStart,
    loadAtEnd: loadavg()[0] ?? Number.NaN,
  };
}

/**
 * Another process's memory, read from `/proc/<pid>/status` (Linux): its resident set now and its
 * high-water mark since it started; and the CPU time it has used. `NaN` where `/proc` is missing
 * or the process is gone.
 */
import { readFileSync } from 'node:fs';

export interface ProcMemory {
  rss: number;
  peakRss: number;
}

export function procMemory(pid: number): ProcMemory {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // Not Linux, or the process ended.
  }
  const kib = (field: string) => {
    const m = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  };
  return { rss: kib('VmRSS'), peakRss: kib('VmHWM') };
}

/** CPU seconds (user + system) `pid` has used so far, from `/proc/<pid>/stat`. */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Linux's USER_HZ, the unit of `/proc/<pid>/stat` times (100 on every common build). */
const CLOCK_TICKS = 100;

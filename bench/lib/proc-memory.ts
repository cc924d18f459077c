/**
 * Another process's memory, read from `/proc/<pid>/status` (Linux): its resident set now and its
 * high-water mark since it started. `NaN` where `/proc` is missing or the process is gone.
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

/** The bench table as JSON under `bench/results/` (git-ignored), one file per run. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './bench-row.ts';
import type { MachineInfo } from './machine-info.ts';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface BenchResults {
  startedAt: string;
  quick: boolean;
  scale: number;
  totalSeconds: number;
  machine: MachineInfo;
  rows: BenchRow[];
  /** Raw figures per scenario id. */
  details: Record<string, unknown>;
}

/** `NaN` is not JSON: unmeasured figures are written as `null`. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** Write `<dir>/<timestamp>.json`; resolves with the path. */
export async function writeResults(results: BenchResults, dir = RESULTS_DIR): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(results, jsonSafe, 2)}\n`);
  return file;
}

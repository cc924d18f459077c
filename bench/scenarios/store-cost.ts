/**
 * Scenario 11: what one state change costs the store with 100, 1,000 and 10,000 jobs active.
 * On a SQLite store (as the bot runs it) with N active jobs already listed, 200 jobs go through
 * their whole life, 20 at a time: listed as active and written waiting, then written submitted,
 * in_progress, completed and delivered, then unlisted — five state changes each, through the
 * engine's `JobStore`. Figures: CPU time of the process (JavaScript and SQLite's threads; less
 * swayed by other load than wall time, which is in the note) and bytes written per state change, for the index as
 * it is (one record per active job) and, in the same run, as earlier versions kept it (one array
 * of every active id, rewritten on each change, writes coalesced).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type ActiveIndex, StoredActiveIndex } from '../../src/engine/active-index.ts';
import type { Job, JobState } from '../../src/engine/job.ts';
import { JobStore } from '../../src/engine/job-store.ts';
import { KeyedMutex } from '../../src/engine/keyed-mutex.ts';
import { openStore, type Store } from '../../src/engine/store.ts';
import { ArrayActiveIndex } from '../lib/array-active-index.ts';
import { newBenchDir } from '../lib/engine-rig.ts';
import { median } from '../lib/percentiles.ts';
import type { BenchContext, BenchRow, ScenarioResult } from '../report/bench-row.ts';
import { storedJob } from './recovery.ts';

const SCENARIO = '11 store cost';
const LIFECYCLES = 200;
const AT_ONCE = 20;
const CHANGES_PER_JOB = 5;
const FLAT_TARGET = 1.5;
const STATES: JobState[] = ['submitted', 'in_progress', 'completed', 'delivered'];

/** Counts what is written through it. */
function countingStore(inner: Store): Store & { bytes: number } {
  const counted: Store & { bytes: number } = {
    bytes: 0,
    location: inner.location,
    get: (key) => inner.get(key),
    getMany: (keys) => inner.getMany(keys),
    set: async (key, value) => {
      counted.bytes += key.length + JSON.stringify(value).length;
      await inner.set(key, value);
    },
    delete: async (key) => {
      counted.bytes += key.length;
      await inner.delete(key);
    },
    scan: (prefix) => inner.scan(prefix),
    scanFields: inner.scanFields.bind(inner),
    close: () => inner.close(),
  };
  return counted;
}

interface Point {
  layout: 'records' | 'array';
  active: number;
  usPerChange: number;
  /** CPU time of this process (JavaScript and SQLite's threads) per change: less sensitive to other load. */
  cpuUsPerChange: number;
  bytesPerChange: number;
}

async function measure(layout: Point['layout'], active: number, repeat: number): Promise<Point> {
  const dir = newBenchDir('store-cost');
  const inner = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
  try {
    const store = countingStore(inner);
    const index: ActiveIndex =
      layout === 'records' ? new StoredActiveIndex(store) : new ArrayActiveIndex(store);
    const jobs = new JobStore(store, new KeyedMutex(), index);
    const now = Date.now();
    const seeded: Job[] = [];
    for (let i = 0; i < active; i++) seeded.push(storedJob(i, 'in_progress', now));
    for (let i = 0; i < seeded.length; i += 500) {
      await Promise.all(seeded.slice(i, i + 500).map((j) => jobs.put(j)));
    }
    await jobs.addActive(...seeded.map((j) => j.id));
    await jobs.loadActive();
    const runs: Array<{ us: number; cpu: number; bytes: number }> = [];
    for (let r = 0; r < repeat; r++) {
      store.bytes = 0;
      const started = performance.now();
      const cpu = process.cpuUsage();
      let next = 0;
      const life = async () => {
        for (let i = next++; i < LIFECYCLES; i = next++) {
          let job = storedJob(1_000_000 + r * LIFECYCLES + i, 'waiting', now);
          await jobs.addActive(job.id);
          await jobs.put(job);
          for (const state of STATES) {
            job = { ...job, state, updatedAt: Date.now() };
            await jobs.put(job);
          }
          await jobs.removeActive(job.id);
        }
      };
      await Promise.all(Array.from({ length: AT_ONCE }, life));
      const changes = LIFECYCLES * CHANGES_PER_JOB;
      const used = process.cpuUsage(cpu);
      runs.push({
        us: ((performance.now() - started) * 1000) / changes,
        cpu: (used.user + used.system) / changes,
        bytes: store.bytes / changes,
      });
    }
    return {
      layout,
      active,
      usPerChange: median(runs.map((x) => x.us)),
      cpuUsPerChange: median(runs.map((x) => x.cpu)),
      bytesPerChange: median(runs.map((x) => x.bytes)),
    };
  } finally {
    await inner.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function storeCost(ctx: BenchContext): Promise<ScenarioResult> {
  const sizes = [100, 1000, 10_000];
  const repeat = ctx.quick ? 1 : 3;
  const points: Point[] = [];
  for (const active of sizes) {
    for (const layout of ['records', 'array'] as const) {
      const p = await measure(layout, active, repeat);
      points.push(p);
      ctx.log(
        `  ${layout}, ${active} active: ${p.usPerChange.toFixed(0)} µs, ${p.bytesPerChange.toFixed(0)} B per change`,
      );
    }
  }
  const at = (layout: Point['layout'], active: number) =>
    points.find((p) => p.layout === layout && p.active === active)!;
  const rows: BenchRow[] = sizes.map((active) => {
    const p = at('records', active);
    const old = at('array', active);
    return {
      scenario: SCENARIO,
      metric: `CPU per state change, ${active} active`,
      value: p.cpuUsPerChange,
      unit: 'µs',
      ratio: { against: 'one-array index', value: p.cpuUsPerChange / old.cpuUsPerChange },
      note: `wall ${p.usPerChange.toFixed(0)} µs, ${p.bytesPerChange.toFixed(0)} B written; one-array index: CPU ${old.cpuUsPerChange.toFixed(0)} µs, wall ${old.usPerChange.toFixed(0)} µs, ${old.bytesPerChange.toFixed(0)} B; median of ${repeat}, ${LIFECYCLES} jobs × ${CHANGES_PER_JOB} changes, ${AT_ONCE} at once`,
    };
  });
  const growth = (layout: Point['layout'], f: (p: Point) => number) =>
    f(at(layout, 10_000)) / f(at(layout, 100));
  const flat = growth('records', (p) => p.cpuUsPerChange);
  const oldFlat = growth('array', (p) => p.cpuUsPerChange);
  rows.push({
    scenario: SCENARIO,
    metric: 'growth from 100 to 10,000 active (CPU per change)',
    value: flat,
    unit: 'x',
    target: `<= ${FLAT_TARGET} x`,
    pass: flat <= FLAT_TARGET,
    ratio: { against: 'one-array index', value: flat / oldFlat },
    note: `wall time ${growth('records', (p) => p.usPerChange).toFixed(2)} x, bytes ${growth('records', (p) => p.bytesPerChange).toFixed(2)} x; one-array index: CPU ${oldFlat.toFixed(2)} x, wall ${growth('array', (p) => p.usPerChange).toFixed(2)} x, bytes ${growth('array', (p) => p.bytesPerChange).toFixed(1)} x`,
  });
  return { rows, detail: points };
}

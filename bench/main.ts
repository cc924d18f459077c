/**
 * `npm run bench`: the bot against its targets and against the poll loops users write today,
 * on the simulator and the local fake Discord. Prints one table (stdout) and writes it as JSON
 * to `bench/results/<timestamp>.json`. See docs/benchmark.md for how to read it.
 *
 * Options: `--quick` (smoke run, smaller and faster), `--only=1,3` (some scenarios),
 * `--out=DIR` (where the JSON goes).
 */

import { FULL_SCALE, QUICK_SCALE } from './lib/time-scale.ts';
import type { BenchContext, BenchRow, ScenarioResult } from './report/bench-row.ts';
import { machineInfo } from './report/machine-info.ts';
import { formatTable } from './report/print-table.ts';
import { writeResults } from './report/write-results.ts';
import { SCENARIOS } from './scenarios/index.ts';

interface Args {
  quick: boolean;
  only: Set<number> | undefined;
  out: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, only: undefined, out: undefined };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a.startsWith('--only=')) args.only = new Set(a.slice(7).split(',').map(Number));
    else if (a.startsWith('--out=')) args.out = a.slice(6);
    else throw new Error(`unknown option ${a} (use --quick, --only=1,2, --out=DIR)`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const ctx: BenchContext = { quick: args.quick, scale: args.quick ? QUICK_SCALE : FULL_SCALE, log };
  const started = Date.now();
  const rows: BenchRow[] = [];
  const details: Record<string, unknown> = {};
  for (const s of SCENARIOS) {
    if (args.only && !args.only.has(s.id)) continue;
    log(`scenario ${s.id}: ${s.name}...`);
    const t = performance.now();
    let result: ScenarioResult;
    try {
      result = await s.run(ctx);
    } catch (err) {
      log(`  failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      result = {
        rows: [
          {
            scenario: `${s.id} ${s.name}`,
            metric: 'error',
            value: Number.NaN,
            unit: '',
            pass: false,
            note: String(err),
          },
        ],
      };
    }
    log(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    rows.push(...result.rows);
    details[String(s.id)] = { seconds: (performance.now() - t) / 1000, detail: result.detail };
  }
  // Scenario 1 also yields a scenario-5 figure: show rows in scenario order.
  const order = (r: BenchRow) => Number.parseInt(r.scenario, 10);
  rows.sort((a, b) => order(a) - order(b));
  const machine = machineInfo();
  const totalSeconds = (Date.now() - started) / 1000;
  const header = `reelbot bench${args.quick ? ' (--quick)' : ''}: ${new Date(started).toISOString()}, ${totalSeconds.toFixed(0)} s, time scale 1/${Math.round(1 / ctx.scale)}`;
  process.stdout.write(`${formatTable(rows, machine, header)}\n`);
  const file = await writeResults(
    {
      startedAt: new Date(started).toISOString(),
      quick: args.quick,
      scale: ctx.scale,
      totalSeconds,
      machine,
      rows,
      details,
    },
    args.out,
  );
  log(`results written to ${file}`);
  // Anything still holding the event loop (a stray socket) must not keep the run alive.
  process.exit(rows.some((r) => r.metric === 'error') ? 1 : 0);
}

await main();

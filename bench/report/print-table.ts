/** The bench table as plain text, one row per figure. */
import type { BenchRow } from './bench-row.ts';
import type { MachineInfo } from './machine-info.ts';

const HEADERS = ['scenario', 'metric', 'value', 'target', 'ok', 'same-run ratio', 'note'] as const;

export function formatValue(value: number, unit: string): string {
  if (Number.isNaN(value)) return 'n/a';
  const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

function cells(row: BenchRow): string[] {
  const ok = row.pass === undefined ? '' : row.pass ? 'yes' : 'NO';
  const ratio = row.ratio ? `${formatValue(row.ratio.value, 'x')} vs ${row.ratio.against}` : '';
  return [
    row.scenario,
    row.metric,
    formatValue(row.value, row.unit),
    row.target ?? '',
    ok,
    ratio,
    row.note ?? '',
  ];
}

/** Render the machine line and the table (fixed-width columns). */
export function formatTable(rows: readonly BenchRow[], machine: MachineInfo, header: string): string {
  const body = rows.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  const machineLine = `machine: ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}, ${machine.os}, ${machine.memoryMiB} MiB; load ${machine.loadAtStart.toFixed(1)} at start, ${machine.loadAtEnd.toFixed(1)} at end${Math.max(machine.loadAtStart, machine.loadAtEnd) > machine.cores / 2 ? ' (busy machine: times are inflated)' : ''}`;
  return [
    header,
    machineLine,
    '',
    line(HEADERS),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...body.map(line),
  ].join('\n');
}

/**
 * `npm run bench -- --quick` end to end: it runs, and writes results JSON of the documented
 * shape. No figure is judged here (speed belongs to the bench itself, not to tests).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'reelbot-bench-test-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  // The at-scale scenarios (10-13) take minutes even with --quick: the smoke run covers 1-6.
  it('runs scenarios 1-6 and writes one results file with machine, rows and details', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/main.ts', '--quick', '--only=1,2,3,4,5,6', `--out=${out}`],
      {
        timeout: 110_000,
        maxBuffer: 10 * 1024 * 1024,
      },
    );
    expect(stdout).toContain('machine:');
    const files = readdirSync(out).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const results = JSON.parse(readFileSync(join(out, files[0]!), 'utf8'));
    expect(results).toMatchObject({
      quick: true,
      machine: { cores: expect.any(Number), node: process.version },
    });
    expect(typeof results.machine.cpuModel).toBe('string');
    expect(Object.keys(results.details).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    const scenarios = new Set<string>();
    for (const row of results.rows) {
      expect(typeof row.scenario).toBe('string');
      expect(typeof row.metric).toBe('string');
      expect(row.metric).not.toBe('error');
      expect(row.value === null || typeof row.value === 'number').toBe(true);
      expect(typeof row.unit).toBe('string');
      if (row.ratio) expect(typeof row.ratio.against).toBe('string');
      scenarios.add(row.scenario.split(' ')[0]);
    }
    expect([...scenarios].sort()).toEqual(['1', '2', '3', '4', '5', '6']);
  }, 120_000);
});

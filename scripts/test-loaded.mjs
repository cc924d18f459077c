#!/usr/bin/env node
/**
 * `npm run test:loaded`: the whole suite on a machine that is already busy. Starts one busy
 * loop per core (worker threads), runs `npm test` three times in a row with them spinning, then
 * stops them. Exits non-zero when any run failed, so a test that only passes on an idle machine
 * (a race, a timeout with no room) shows up here first.
 *
 *   npm run test:loaded              three runs
 *   npm run test:loaded -- --runs=1
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const runsArg = process.argv.slice(2).find((a) => a.startsWith('--runs='));
const runs = runsArg ? Number(runsArg.slice('--runs='.length)) : 3;
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('test:loaded: --runs must be a whole number of at least 1\n');
  process.exit(2);
}

const cores = availableParallelism();
// Each worker spins until told to stop; a plain loop keeps one core busy all the time.
const burner = `
const { parentPort } = require('node:worker_threads');
let stop = false;
parentPort.on('message', () => { stop = true; });
const spin = () => { const end = Date.now() + 50; while (Date.now() < end) {} if (!stop) setImmediate(spin); else process.exit(0); };
spin();
`;
const workers = Array.from({ length: cores }, () => new Worker(burner, { eval: true }));
process.stderr.write(`test:loaded: ${cores} busy loop(s) running; npm test ${runs} time(s)\n`);

const results = [];
try {
  for (let i = 1; i <= runs; i++) {
    const started = Date.now();
    process.stderr.write(`test:loaded: run ${i} of ${runs}\n`);
    const r = spawnSync('npm', ['test'], { stdio: 'inherit', shell: process.platform === 'win32' });
    const code = r.status ?? 1;
    results.push(code);
    process.stderr.write(
      `test:loaded: run ${i} ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
  }
} finally {
  for (const w of workers) w.postMessage('stop');
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
}
const failed = results.filter((c) => c !== 0).length;
process.stderr.write(`test:loaded: ${runs - failed} of ${runs} run(s) passed\n`);
process.exit(failed === 0 ? 0 : 1);

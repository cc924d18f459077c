/**
 * `npm run simulator`: run the `/v1/videos` simulator on its own, e.g. to point
 * a bot or curl at it.
 *
 *   npm run simulator -- --port 8787 --dialect form --key my-key --scale 20 --state sim.json
 *
 * Flags win over environment (`SIM_PORT`, `SIM_DIALECT`, `SIM_KEY`, `SIM_SCALE`,
 * `SIM_STATE_FILE`). With `--state` the jobs survive a restart.
 * This dev entry point reads those few variables itself; the bot's config module
 * does not know them. `--scale N` multiplies the fast test timings (default 20:
 * a 4-second video takes about 6 s).
 */

import { parseArgs } from 'node:util';
import { createLogger } from '../log/logger.ts';
import { clientDialectFor } from './client-dialect.ts';
import { startSimulator } from './simulator.ts';
import {
  DEFAULT_SIMULATOR_TIMING,
  SIMULATOR_DIALECTS,
  type SimulatorDialect,
  type SimulatorOptions,
} from './simulator-options.ts';

const DEFAULT_SCALE = 20;

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(2);
}

function parseNumber(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min)
    fail(`--${name} must be a number >= ${min} (got ${JSON.stringify(text)})`);
  return n;
}

function optionsFromCommandLine(): SimulatorOptions {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      dialect: { type: 'string' },
      key: { type: 'string' },
      scale: { type: 'string' },
      'over-limit': { type: 'string' },
      state: { type: 'string' },
      'no-remix': { type: 'boolean' },
      'no-content': { type: 'boolean' },
      'no-edits': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      `usage: npm run simulator -- [--port N] [--dialect ${SIMULATOR_DIALECTS.join('|')}]\n` +
        '       [--key KEY] [--scale N] [--over-limit queue|reject] [--no-remix] [--no-content]\n' +
        '       [--no-edits]     answer 404 on /videos/edits, /videos/extensions, /videos/characters\n' +
        '       [--state FILE]   keep jobs in FILE across restarts\n',
    );
    process.exit(0);
  }
  const env = process.env;
  const dialect = values.dialect ?? env.SIM_DIALECT ?? 'openai';
  if (!(SIMULATOR_DIALECTS as readonly string[]).includes(dialect)) {
    fail(`--dialect must be one of ${SIMULATOR_DIALECTS.join(', ')}`);
  }
  const overLimit = values['over-limit'] ?? 'queue';
  if (overLimit !== 'queue' && overLimit !== 'reject') fail('--over-limit must be queue or reject');
  const scale = parseNumber('scale', values.scale ?? env.SIM_SCALE, DEFAULT_SCALE, 0);
  const t = DEFAULT_SIMULATOR_TIMING;
  const stateFile = values.state ?? env.SIM_STATE_FILE;
  return {
    ...(stateFile ? { stateFile } : {}),
    dialect: dialect as SimulatorDialect,
    apiKey: values.key ?? env.SIM_KEY ?? 'sim-key',
    port: parseNumber('port', values.port ?? env.SIM_PORT, 8787, 0),
    timing: {
      queuedMs: t.queuedMs * scale,
      msPerVideoSecond: t.msPerVideoSecond * scale,
      minRunMs: t.minRunMs * scale,
    },
    overLimit,
    remix: !values['no-remix'],
    contentEndpoint: !values['no-content'],
    editRoutes: !values['no-edits'],
    logger: createLogger({ level: 'info' }),
  };
}

async function main(): Promise<void> {
  const options = optionsFromCommandLine();
  const sim = await startSimulator(options);
  process.stdout.write(
    `reelbot simulator (${sim.options.dialect}) listening\n` +
      `  VIDEO_API_BASE_URL=${sim.url}\n` +
      `  VIDEO_API_KEY=${sim.options.apiKey}\n` +
      `  VIDEO_API_DIALECT=${clientDialectFor(sim.options.dialect)}\n`,
  );
  const stop = (signal: string) => {
    process.stdout.write(`simulator: ${signal}, stopping\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));

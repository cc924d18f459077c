/**
 * `npm run cli -- <command>`: the command-line entry point.
 * Minimal for now: `probe`. Other commands (video, remix) are wired in by their owners.
 */
import { ConfigError, loadConfig } from '../../config/config.ts';
import { runProbe } from './probe.ts';

const USAGE = 'usage: npm run cli -- probe\n';

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command !== 'probe') {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    return await runProbe(loadConfig(), process.stdout);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));

/**
 * How operators run the bot, for the bench to run it the same way: bundled JavaScript
 * (scripts/build.mjs) under the node flags of package.json's `start` script, which the
 * Dockerfile's `CMD` repeats (test/app/docker-files.test.ts holds the two to the same flags).
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Ignored by git and biome (`dist/`); inside the checkout so the bundle finds node_modules. */
const OUTDIR = join(ROOT, 'bench', 'bot', 'dist');

/** The node flags of `npm start` (`node <flags> dist/main.js` in package.json). */
export function startNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const argv = (pkg.scripts?.start ?? '').trim().split(/\s+/);
  if (argv[0] !== 'node' || argv.at(-1) !== 'dist/main.js')
    throw new Error(
      `bench: package.json's start script is not "node <flags> dist/main.js": ${argv.join(' ')}`,
    );
  return argv.slice(1, -1);
}

const ENTRY = 'bench/bot/bot-process.ts';
let built: Promise<string> | undefined;

/** `bot-process.ts` bundled as scripts/build.mjs bundles `src/main.ts`, once per bench run: its path. */
export function builtBotProcess(): Promise<string> {
  built ??= promisify(execFile)(
    process.execPath,
    [join(ROOT, 'scripts', 'build.mjs'), `--outdir=${OUTDIR}`, `--entry=${ENTRY}`],
    { cwd: ROOT },
  ).then(() => join(OUTDIR, ENTRY.replace(/\.ts$/, '.js')));
  return built;
}

export interface Command {
  name: string;
  file: string;
  args: string[];
}

/** The runtime stage's `CMD ["node", ...]`, as the image runs it. */
export function dockerCommand(): Command {
  const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split('\n');
  const cmd = lines.filter((l) => l.startsWith('CMD ')).at(-1);
  const argv = JSON.parse(cmd?.slice(4) ?? '[]') as string[];
  if (argv[0] !== 'node') throw new Error(`bench: the Dockerfile's CMD is not a node command: ${cmd}`);
  return { name: `image CMD (${argv.join(' ')})`, file: process.execPath, args: argv.slice(1) };
}

/** Bring `dist/` up to date with the sources (as `npm start`'s prestart does), outside any timing. */
export function buildDist(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

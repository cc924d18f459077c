/**
 * How operators run the bot: the Docker image's `CMD` (the same `node` flags and `dist/main.js`
 * as `npm start`), read from the Dockerfile so the bench measures what ships.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

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

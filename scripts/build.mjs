#!/usr/bin/env node
/**
 * `npm run build`: the sources as plain JavaScript in `dist/` (what `npm start` and the Docker
 * image run, so a start costs no TypeScript compilation). One esbuild bundle per entry point with
 * shared chunks, packages left to node_modules; modules loaded on demand (a platform's adapter,
 * the simulator, Redis) stay separate chunks, loaded only when used. Type checking is
 * `npm run typecheck`'s job.
 *
 *   node scripts/build.mjs             build
 *   node scripts/build.mjs --if-stale  build only when a source is newer than the last build
 *                                      (`prestart`: a fresh clone or an edited source is built,
 *                                      an unchanged one starts at once)
 *   node scripts/build.mjs --outdir=DIR
 *   node scripts/build.mjs --outdir=DIR --entry=bench/bot/bot-process.ts
 *                                      that entry point instead (path from the repository root),
 *                                      bundled the same way: the bench's bot child runs as
 *                                      `npm start` runs the bot
 */
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const outArg = args.find((a) => a.startsWith('--outdir='));
const outdir = outArg ? outArg.slice('--outdir='.length) : join(root, 'dist');
const stamp = join(outdir, '.build-stamp');
const extraEntries = args.filter((a) => a.startsWith('--entry=')).map((a) => a.slice('--entry='.length));

/** The entry points: `npm start`, the CLI (`bin/reelbot.js`), command registration, the simulator. */
const ENTRIES = [
  'main.ts',
  'platforms/cli/main.ts',
  'platforms/discord/register-main.ts',
  'simulator/main.ts',
];

function newestInput() {
  let newest = 0;
  const visit = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) visit(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  visit(join(root, 'src'));
  for (const f of ['package.json', 'package-lock.json', 'scripts/build.mjs']) {
    if (existsSync(join(root, f))) newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  }
  return newest;
}

if (args.includes('--if-stale') && existsSync(stamp) && statSync(stamp).mtimeMs >= newestInput()) {
  process.exit(0);
}

const started = performance.now();
// tsx's esbuild (a dependency of a dependency, always installed with the production packages).
const { build } = await import('esbuild');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: extraEntries.length > 0 ? extraEntries : ENTRIES.map((e) => join('src', e)),
  outbase: extraEntries.length > 0 ? '.' : 'src',
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
writeFileSync(stamp, `${new Date().toISOString()}\n`);
process.stderr.write(
  `reelbot: built ${relative(root, outdir) || outdir} in ${Math.round(performance.now() - started)} ms\n`,
);

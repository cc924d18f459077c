#!/usr/bin/env node
/**
 * The `reelbot` command (package.json `bin`): the CLI (`reelbot probe`, `reelbot video ...`).
 * Runs the compiled `dist/` when it was built (`npm run build`), else the TypeScript sources
 * through tsx, so it works from a checkout and from the Docker image alike.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const built = new URL('dist/platforms/cli/main.js', root);

if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('src/platforms/cli/main.ts', root).href);
}

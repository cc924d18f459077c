/**
 * Runs the real CLI (`src/platforms/cli/main.ts`) as a child process, the way a person
 * would: its own working directory, a clean environment, stderr a pipe (not a TTY).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = resolve(import.meta.dirname, '../..');
const MAIN = join(REPO, 'src/platforms/cli/main.ts');
/** By URL, so it loads from any working directory (a bare `tsx` would resolve from the temp dir). */
const TSX = pathToFileURL(createRequire(join(REPO, 'package.json')).resolve('tsx')).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A scratch directory the CLI runs in, with its data (store, downloads, simulator state) inside. */
export interface CliHome {
  dir: string;
  /** Environment every run gets: data paths inside `dir`, quiet logs, nothing inherited but PATH. */
  env: Record<string, string>;
  run(args: string[], extraEnv?: Record<string, string>, timeoutMs?: number): Promise<CliResult>;
  remove(): Promise<void>;
}

export async function makeCliHome(env: Record<string, string> = {}): Promise<CliHome> {
  const dir = await mkdtemp(join(tmpdir(), 'reelbot-cli-'));
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    DATA_DIR: join(dir, 'data'),
    STORE_URL: `sqlite://${join(dir, 'data', 'reelbot.sqlite')}`,
    LOG_LEVEL: 'warn',
    ...env,
  };
  return {
    dir,
    env: base,
    run: (args, extraEnv = {}, timeoutMs = 45_000) => runCli(args, dir, { ...base, ...extraEnv }, timeoutMs),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Spawn the CLI; killed (and the promise rejected) if it has not exited within `timeoutMs`. */
export function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs = 45_000,
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} still running after ${timeoutMs} ms\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** True when the bytes start like an MP4 (`ftyp` box). */
export function looksLikeMp4(bytes: Buffer): boolean {
  return bytes.length > 8 && bytes.toString('latin1', 4, 8) === 'ftyp';
}

export async function readMp4(path: string): Promise<Buffer> {
  return readFile(path);
}

/**
 * The simulator's job board on disk, so videos outlive the process: the CLI can
 * remix a video made by an earlier run, and a restarted bot finds its in-flight jobs.
 *
 * One JSON file, replaced atomically (write a temp file beside it, then rename), so
 * a crash leaves either the old board or the new one, never half of one. Saves are
 * debounced: a burst of changes costs one write. Asset links are not stored (they
 * embed the origin, which changes with the port); they are derived on every answer.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../log/logger.ts';
import type { SimCharacter } from './character-store.ts';
import type { SimJob } from './sim-job.ts';

/** What survives a restart. */
export interface SimState {
  /** Where the id/jitter sequence stood, so a seeded run continues it. */
  rngState: number;
  /** Signs asset links: kept so links handed out before the restart still verify. */
  assetSecret: Buffer;
  /** Oldest first. */
  jobs: SimJob[];
  /** From `POST /videos/characters`, oldest first. */
  characters: SimCharacter[];
}

const STATE_VERSION = 1;

/**
 * Finished jobs are forgotten this long after their result expired (or they failed or were
 * cancelled), so a long-running bot's state file does not grow without end.
 * @default 7 days
 */
export const FORGET_FINISHED_AFTER_MS = 7 * 24 * 3_600_000;

/** The saved jobs still worth keeping at `now` (see {@link FORGET_FINISHED_AFTER_MS}). */
export function withoutForgotten(jobs: readonly SimJob[], now: number): SimJob[] {
  return jobs.filter((job) => {
    if (job.state === 'completed') return (job.expiresAtMs ?? now) + FORGET_FINISHED_AFTER_MS > now;
    if (job.state === 'failed' || job.state === 'cancelled') {
      return (job.finishedAtMs ?? now) + FORGET_FINISHED_AFTER_MS > now;
    }
    return true;
  });
}

/** `null` in the file stands for "not yet" (JSON has no undefined). */
const maybe = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const errorSchema = z.object({ code: z.string(), message: z.string() });

const jobSchema = z.object({
  id: z.string().min(1),
  owner: z.string(),
  model: z.string(),
  prompt: z.string(),
  size: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  seconds: z.number().positive(),
  remixedFromVideoId: maybe(z.string()),
  rootPrompt: z.string(),
  remixPrompts: z.array(z.string()),
  changeKinds: maybe(z.array(z.enum(['remix', 'edit', 'extension']))),
  hasInputReference: z.boolean(),
  outcome: z.enum(['complete', 'policy', 'fail', 'never']),
  runMs: z.number().nonnegative(),
  createdAtMs: z.number(),
  state: z.enum(['waiting', 'queued', 'in_progress', 'completed', 'failed', 'cancelled']),
  admittedAtMs: maybe(z.number()),
  startedAtMs: maybe(z.number()),
  finishedAtMs: maybe(z.number()),
  expiresAtMs: maybe(z.number()),
  error: maybe(errorSchema),
  frozenProgress: maybe(z.number()),
  videoBytes: maybe(z.number()),
  answers: z.number().int().nonnegative(),
});

const characterSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  createdAtMs: z.number(),
});

const fileSchema = z.object({
  version: z.literal(STATE_VERSION),
  savedAt: z.string(),
  rngState: z.number().int().nonnegative(),
  assetSecret: z.string().regex(/^[0-9a-f]{64}$/),
  jobs: z.array(jobSchema),
  // Files written before characters existed have none.
  characters: z.array(characterSchema).default([]),
});

/** The file's text for a state. */
export function serializeSimState(state: SimState, now = Date.now()): string {
  const file = {
    version: STATE_VERSION,
    savedAt: new Date(now).toISOString(),
    rngState: state.rngState,
    assetSecret: state.assetSecret.toString('hex'),
    jobs: state.jobs,
    characters: state.characters,
  };
  return `${JSON.stringify(file, (_key, value: unknown) => (value === undefined ? null : value))}\n`;
}

/** Parse a state file's text; throws when it is not one. */
export function parseSimState(text: string): SimState {
  const file = fileSchema.parse(JSON.parse(text));
  return {
    rngState: file.rngState,
    assetSecret: Buffer.from(file.assetSecret, 'hex'),
    jobs: file.jobs.map(({ changeKinds, ...job }): SimJob => (changeKinds ? { ...job, changeKinds } : job)),
    characters: file.characters,
  };
}

/**
 * Read the saved state. A missing file is a first start (undefined). A file that
 * cannot be parsed is moved aside to `<path>.corrupt-<time>` (kept for a look, never
 * overwritten) and the simulator starts empty, rather than refusing to start.
 */
export async function loadSimState(path: string, logger: Logger): Promise<SimState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return parseSimState(text);
  } catch (err) {
    const aside = `${path}.corrupt-${Date.now()}`;
    await rename(path, aside);
    logger.warn('simulator state file unreadable; moved aside, starting empty', { path, aside, err });
    return undefined;
  }
}

/** Write `text` to `path` so readers see the old or the new content, never a mix. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    // 0600: the asset secret is in here.
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export interface SimStateSaverOptions {
  path: string;
  /** The state to write, taken at write time (so it is always current). */
  snapshot: () => SimState;
  /** Changes within this window share one write. */
  delayMs: number;
  logger: Logger;
}

/** Debounced, serialised saves of the simulator state; {@link flush} writes now. */
export class SimStateSaver {
  readonly #options: SimStateSaverOptions;
  #timer: NodeJS.Timeout | undefined;
  /** The write in flight (writes never overlap: the later rename must win). */
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: SimStateSaverOptions) {
    this.#options = options;
  }

  /** Something changed: save within `delayMs`. */
  changed(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#save();
    }, this.#options.delayMs);
  }

  /** Write the current state now (and wait for it); later changes are no longer saved. */
  async flush(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#save();
  }

  #save(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      const { path, snapshot, logger } = this.#options;
      try {
        await writeFileAtomic(path, serializeSimState(snapshot()));
      } catch (err) {
        // A full disk must not take the simulator (or the bot around it) down.
        logger.warn('simulator state not saved', { path, err });
      }
    });
    return this.#writing;
  }
}

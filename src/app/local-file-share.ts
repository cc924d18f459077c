/**
 * Links for videos too big for a chat platform: {@link LocalFileShare.publish} gives a file an
 * unguessable token and returns `${PUBLIC_URL}/files/<token>/<fileName>`; the ops server looks
 * the token up and streams the file. The token maps to a path we chose — user input is never
 * joined into a path. Tokens live in `<DATA_DIR>/shared-files.json` so links survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileShare } from '../engine/surface.ts';
import { type Logger, silentLogger } from '../log/logger.ts';

/** A published file. */
export interface SharedFile {
  path: string;
  fileName: string;
  contentType: string;
  /** ms epoch after which the link answers 404. */
  expiresAt: number;
}

export interface LocalFileShareOptions {
  /** `PUBLIC_URL`: where the ops server is reachable from outside, e.g. `https://reelbot.example`. */
  publicUrl: string;
  /** `DATA_DIR`: the token file is written there. */
  dataDir: string;
  logger?: Logger;
  /** @default Date.now */
  now?: () => number;
}

/** Name of the token file inside `DATA_DIR`. */
export const SHARE_INDEX_FILE = 'shared-files.json';

/** 32 random bytes, base64url: 43 characters nobody guesses. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export class LocalFileShare implements FileShare {
  readonly #o: LocalFileShareOptions;
  readonly #file: string;
  readonly #now: () => number;
  #tokens = new Map<string, SharedFile>();
  #loaded: Promise<void> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: LocalFileShareOptions) {
    this.#o = options;
    this.#file = join(options.dataDir, SHARE_INDEX_FILE);
    this.#now = options.now ?? Date.now;
  }

  async publish(file: SharedFile): Promise<string | undefined> {
    await this.#load();
    const token = randomBytes(32).toString('base64url');
    // Expired entries go with each write, so the index stays small in a process that runs for months.
    const now = this.#now();
    for (const [t, entry] of this.#tokens) if (entry.expiresAt <= now) this.#tokens.delete(t);
    this.#tokens.set(token, { ...file });
    await this.#save();
    const base = this.#o.publicUrl.replace(/\/+$/, '');
    return `${base}/files/${token}/${encodeURIComponent(file.fileName)}`;
  }

  /**
   * The file behind `token`, when the token is known, unexpired and `fileName` is the name it
   * was published under. `undefined` otherwise (the server answers 404 either way).
   */
  async lookup(token: string, fileName: string): Promise<(SharedFile & { bytes: number }) | undefined> {
    if (!TOKEN_RE.test(token)) return undefined;
    await this.#load();
    const entry = this.#tokens.get(token);
    if (!entry || entry.fileName !== fileName || entry.expiresAt <= this.#now()) return undefined;
    const info = await stat(entry.path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { ...entry, bytes: info.size };
  }

  /** Forget expired tokens (their files are deleted by the engine's sweep). */
  async prune(): Promise<number> {
    await this.#load();
    const now = this.#now();
    let dropped = 0;
    for (const [token, entry] of this.#tokens) {
      if (entry.expiresAt <= now) {
        this.#tokens.delete(token);
        dropped += 1;
      }
    }
    if (dropped > 0) await this.#save();
    return dropped;
  }

  #load(): Promise<void> {
    this.#loaded ??= (async () => {
      let text: string;
      try {
        text = await readFile(this.#file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      try {
        const parsed = JSON.parse(text) as Record<string, SharedFile>;
        const now = this.#now();
        for (const [token, entry] of Object.entries(parsed)) {
          if (TOKEN_RE.test(token) && isSharedFile(entry) && entry.expiresAt > now)
            this.#tokens.set(token, entry);
        }
      } catch (err) {
        // A damaged index loses old links, not the bot: start afresh and say so.
        (this.#o.logger ?? silentLogger).warn('shared file index unreadable; old links stop working', {
          file: this.#file,
          err,
        });
      }
    })();
    return this.#loaded;
  }

  /** Write the whole index atomically (temp file + rename), one write at a time. */
  #save(): Promise<void> {
    const snapshot = JSON.stringify(Object.fromEntries(this.#tokens));
    const run = this.#writing.then(async () => {
      await mkdir(dirname(this.#file), { recursive: true });
      const tmp = `${this.#file}.${process.pid}.tmp`;
      // 0600: a token is a capability to download the file.
      await writeFile(tmp, snapshot, { mode: 0o600 });
      await rename(tmp, this.#file);
    });
    this.#writing = run.catch(() => undefined);
    return run;
  }
}

function isSharedFile(v: unknown): v is SharedFile {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.path === 'string' &&
    typeof o.fileName === 'string' &&
    typeof o.contentType === 'string' &&
    typeof o.expiresAt === 'number'
  );
}

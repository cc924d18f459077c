/**
 * A bot process whose log goes to a file, not to a pipe. Node writes to a pipe synchronously, so
 * a bench process busy serving the fakes (and so slow to drain its children's pipes) would stall
 * the bots on their own log lines and the figures would measure the bench. A file never blocks
 * the writer; the bench reads it when it needs a line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { type LogLine, LogLines } from '../../test/app/bot-process.ts';
import { waitUntil } from '../lib/wait-until.ts';

export class FileLoggedBot {
  readonly child: ChildProcess;
  readonly exited: Promise<number | string>;
  readonly #output = new LogLines();
  readonly #chunk = Buffer.alloc(1 << 20);
  readonly #file: string;
  #offset = 0;

  /** Run `node args` in `cwd` with exactly `env` (plus PATH/HOME); stdout and stderr go to `logFile`. */
  constructor(args: string[], env: Record<string, string>, cwd: string, logFile: string) {
    this.#file = logFile;
    const fd = openSync(logFile, 'a');
    this.child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Every JSON log record written so far. */
  logs(): readonly LogLine[] {
    const fd = openSync(this.#file, 'r');
    try {
      for (;;) {
        const n = readSync(fd, this.#chunk, 0, this.#chunk.length, this.#offset);
        if (n === 0) break;
        this.#offset += n;
        this.#output.take(this.#chunk.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    return this.#output.logs;
  }

  /** The first record `pred` accepts; rejects after `timeoutMs` or when the process ends first. */
  async waitForLog(pred: (l: LogLine) => boolean, what: string, timeoutMs: number): Promise<LogLine> {
    let ended = false;
    void this.exited.then(() => {
      ended = true;
    });
    const hit = await waitUntil(
      () => this.logs().find(pred) ?? (ended ? 'ended' : undefined),
      timeoutMs,
      what,
      50,
    );
    if (hit === 'ended') {
      const last = this.logs()
        .slice(-10)
        .map((l) => JSON.stringify(l));
      throw new Error(`bench: the bot exited before ${what}; last lines:\n${last.join('\n')}`);
    }
    return hit;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * Parent side of the bot child process: start it with a configuration, wait until it is
 * connected, ask for memory figures, stop it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { FromBot, MemoryFigures, ToBot } from './bot-messages.ts';
import { builtBotProcess, startNodeFlags } from './production-command.ts';

export interface BotChildOptions {
  /** The bot's environment (config variables); nothing else of the bench's environment is passed. */
  env: Record<string, string>;
  /** Forward `state` events (costs an IPC message per transition). @default false */
  reportStates?: boolean;
  /** @default 60000 */
  startTimeoutMs?: number;
}

export class BotChild {
  readonly delivered = new Map<string, number>();
  readonly states: Array<{ jobId: string; state: string; at: number }> = [];
  #waiters: Array<(m: FromBot) => boolean> = [];
  #exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly startMs: number,
  ) {}

  static async start(o: BotChildOptions): Promise<BotChild> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...o.env,
      ...(o.reportStates ? { BENCH_REPORT_STATES: '1' } : {}),
    };
    // Bundled JavaScript under npm start's node flags, not the sources through tsx.
    const child = fork(await builtBotProcess(), [], {
      execArgv: [
        ...startNodeFlags(),
        ...(process.env.BENCH_BOT_CPU_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_BOT_CPU_PROF}`]
          : []),
        // Experiments only (e.g. `--heapsnapshot-signal=SIGUSR2`); the measured runs add nothing.
        ...(process.env.BENCH_BOT_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      ],
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<FromBot>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error('bench: the bot child did not become ready in time'));
      }, o.startTimeoutMs ?? 60_000);
      const onMessage = (m: FromBot) => {
        if (m.type !== 'ready' && m.type !== 'failed-to-start') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`bench: the bot child exited with ${code} before it was ready`));
      });
    });
    if (ready.type === 'failed-to-start')
      throw new Error(`bench: the bot child failed to start:\n${ready.error}`);
    const bot = new BotChild(child, ready.type === 'ready' ? ready.startMs : Number.NaN);
    child.on('message', (m: FromBot) => bot.#onMessage(m));
    child.once('exit', () => {
      bot.#exited = true;
    });
    return bot;
  }

  /** Memory figures now; `reset` starts a new peak window afterwards. */
  memory(reset = false): Promise<MemoryFigures> {
    return new Promise((resolve) => {
      this.#waiters.push((m) => {
        if (m.type !== 'memory') return false;
        resolve(m.figures);
        return true;
      });
      this.#send({ type: 'memory', reset });
    });
  }

  /** Stop the bot (it disconnects and closes its store) and wait for the process to end. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const force = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    this.#send({ type: 'stop' });
    await exited;
    clearTimeout(force);
  }

  #send(message: ToBot): void {
    if (!this.#exited) this.child.send(message);
  }

  #onMessage(m: FromBot): void {
    if (m.type === 'delivered') this.delivered.set(m.jobId, m.at);
    if (m.type === 'state') this.states.push({ jobId: m.jobId, state: m.state, at: m.at });
    const i = this.#waiters.findIndex((w) => w(m));
    if (i >= 0) this.#waiters.splice(i, 1);
  }
}

/**
 * A real `redis-server` for tests: its own free port on 127.0.0.1, its own temp dir, AOF on (so a
 * restart keeps what was written), stopped by `stop()`. `.ci/run` installs Debian's redis-server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The server's process id while it runs (the benchmark reads its CPU time). */
  readonly pid: number | undefined;
  readonly dir: string;
  /** Kill the server (SIGKILL: as if the machine lost it); the data dir stays for `restart()`. */
  kill(): Promise<void>;
  /** Start it again on the same port and dir (AOF replays what was written). */
  restart(): Promise<void>;
  /** Stop it and remove its dir. */
  stop(): Promise<void>;
}

export interface TestRedisOptions {
  /**
   * When the append-only file is synced: `always` (every write, so a SIGKILL loses nothing; what
   * the tests use) or `everysec` (what production runs, as the benchmark does). @default 'always'
   */
  appendfsync?: 'always' | 'everysec';
}

/** Start a private redis-server; throws a clear error when the binary is missing. */
export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'reelbot-redis-'));
  const port = await freePort();
  const fsync = options.appendfsync ?? 'always';
  const launch = (): Promise<ChildProcess> => launchRedis(port, dir, fsync);
  let child: ChildProcess | undefined = await launch();
  const kill = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    c.kill('SIGKILL');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return child?.pid;
    },
    kill,
    async restart() {
      await kill();
      child = await launch();
    },
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function launchRedis(port: number, dir: string, fsync: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir];
  args.push('--appendonly', 'yes', '--appendfsync', fsync, '--save', '', '--daemonize', 'no');
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) =>
      reject(
        new Error(`cannot start redis-server (install it: apt-get install redis-server): ${err.message}`),
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited with code ${code} before it was ready`)),
    );
  });
  failed.catch(() => {});
  await Promise.race([waitForPort(port), failed]);
  child.removeAllListeners('exit');
  return child;
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (await answersPing(port)) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within 20 s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

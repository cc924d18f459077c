/**
 * `cli video` and `cli remix`: one job through the whole engine (store, quota, fair queue,
 * poll loop, delivery), with the terminal as its surface. Exit code 0 only when the MP4 was saved.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { startUpstream } from '../../app/upstream.ts';
import { sleep } from '../../async/sleep.ts';
import { type Config, cliStoreUrl } from '../../config/config.ts';
import { buildVideoClient, createEngineFromConfig } from '../../engine/create-engine.ts';
import type { Actor, VideoRequest } from '../../engine/engine-api.ts';
import { type Job, TERMINAL_JOB_STATES } from '../../engine/job.ts';
import { openStore } from '../../engine/store.ts';
import type { Logger } from '../../log/logger.ts';
import { jobErrorText } from '../../presentation/job-error-text.ts';
import { refusalText } from '../../presentation/refusal-text.ts';
import { VideoApiError } from '../../video/errors.ts';
import { CLI_LOCALE, CliSurface } from './cli-surface.ts';

export interface GenerateArgs {
  kind: 'video' | 'remix';
  prompt: string;
  /** Remix source. */
  videoId?: string;
  size?: string;
  seconds?: number;
  model?: string;
  imagePath?: string;
  out: string;
  json: boolean;
}

export interface GenerateIo {
  stdout: { write(s: string): unknown };
  stderr: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  logger: Logger;
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

function embedded(config: Config): Config {
  const { REDIS_URL: _redis, ...rest } = config;
  return rest;
}

/** Run one job to its end. Returns the process exit code. */
export async function runGenerate(config: Config, args: GenerateArgs, io: GenerateIo): Promise<number> {
  const image = args.imagePath ? await readImage(args.imagePath) : undefined;
  const upstream = await startUpstream(config, { logger: io.logger });
  // Its own store, so it never resumes (or competes for) the bot's chat jobs. The engine closes it
  // on stop; the client keeps what it learns of the upstream there.
  const store = await openStore(cliStoreUrl(config), { logger: io.logger });
  const client = buildVideoClient(config, { ...upstream, logger: io.logger, store });
  // Always embedded: in distributed mode the CLI must not join the bot's queues (their records are
  // in Redis, not in the CLI's store).
  const engine = await createEngineFromConfig(embedded(config), {
    logger: io.logger,
    client,
    store,
    // One job with a person watching: look after a second and then at least every 5 s. The
    // bot's schedule (first look at a quarter of a guessed 10 s per video-second) left a
    // fresh CLI run silent for 10-30 s, however fast the upstream was.
    overrides: {
      timing: {
        progressIntervalMs: 500,
        poll: { firstMinMs: 1000, firstFraction: 0, maxMs: 5000 },
        ...(upstream.expectedMsPerVideoSecond
          ? { fallbackMsPerVideoSecond: upstream.expectedMsPerVideoSecond }
          : {}),
      },
    },
  });
  const outputs = new Map<string, string>();
  const surface = new CliSurface({ err: io.stderr, outputs, fallbackDir: join(config.DATA_DIR, 'cli') });
  engine.attachSurface('cli', surface);
  try {
    await engine.start();
    const user = userInfo().username || 'cli';
    const actor: Actor = { platform: 'cli', userId: user, displayName: user, isAdmin: false };
    const request: VideoRequest = {
      actor,
      place: { platform: 'cli', workspaceId: 'local', channelId: 'terminal' },
      prompt: args.prompt,
      ...(args.model ? { model: args.model } : {}),
      ...(args.size ? { size: args.size } : {}),
      ...(args.seconds ? { seconds: args.seconds } : {}),
      ...(args.videoId ? { remixOf: args.videoId } : {}),
      ...(image ? { image } : {}),
    };
    // Register the output before submitting: the surface may be asked to deliver very soon.
    const finished = new Promise<Job>((resolveJob) => {
      engine.events.on('state', (job) => {
        if (outputs.has(job.id) && TERMINAL_JOB_STATES.has(job.state)) resolveJob(job);
      });
    });
    const submitted = engine.submit(request).then((o) => {
      if (o.ok) outputs.set(o.value.job.id, args.out);
      return o;
    });
    surface.beforeDeliver = submitted;
    const outcome = await submitted;
    if (!outcome.ok) {
      io.stderr.write(`refused: ${refusalText(CLI_LOCALE, outcome.refusal, 'cli')}\n`);
      return 2;
    }
    // The job may have ended between submit and registering the output (tiny timings).
    const current = await engine.getJob(outcome.value.job.id);
    const job = current && TERMINAL_JOB_STATES.has(current.state) ? current : await finished;
    if (job.state !== 'delivered' || !surface.saved.some((s) => s.jobId === job.id)) {
      await reportEnd(surface, job, io);
      return 1;
    }
    if (args.json && job.videoId) {
      const video = await client.retrieve(job.videoId);
      io.stdout.write(`${JSON.stringify(video, null, 2)}\n`);
    } else {
      io.stdout.write(`${args.out}\n`);
    }
    return 0;
  } catch (err) {
    io.stderr.write(`error: ${err instanceof VideoApiError ? err.message : (err as Error).message}\n`);
    return 1;
  } finally {
    await engine.stop();
    await upstream.close();
  }
}

/** How long a failed job's reason may take to reach the terminal before it is printed from the record. */
const END_REPORT_WAIT_MS = 5000;

/** Make sure the reason a job did not deliver is on stderr (the surface prints it, shortly after the state change). */
async function reportEnd(surface: CliSurface, job: Job, io: GenerateIo): Promise<void> {
  if (job.state === 'failed' || job.state === 'expired' || job.state === 'cancelled') {
    const stop = new AbortController();
    const told = await Promise.race([
      surface.ended(job.id).then(() => true),
      sleep(END_REPORT_WAIT_MS, stop.signal).then(() => false),
    ]);
    stop.abort(); // no timer may keep the process alive after the answer
    if (told) return;
  }
  const reason = job.error ? ` - ${jobErrorText(CLI_LOCALE, job.error)}` : '';
  io.stderr.write(`${job.id}: ended ${job.state}${reason}\n`);
}

async function readImage(path: string): Promise<{ data: Uint8Array; contentType: string; fileName: string }> {
  const ext = path.split('.').pop()?.toLowerCase() ?? '';
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    throw new Error(`cannot read the image ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return { data, contentType: IMAGE_TYPES[ext] ?? 'application/octet-stream', fileName: basename(path) };
}

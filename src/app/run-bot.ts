/**
 * Start and stop the whole bot in one process: the upstream (configured server or built-in
 * simulator), the store, the engine, the ops server (`/healthz`, `/metrics`, `/files`, and
 * `/webhooks/video` with `WEBHOOK_SECRET`, `/discord/interactions` with `DISCORD_PUBLIC_KEY`) when
 * `METRICS_PORT` is set, and every configured chat platform. With `REDIS_URL` the chat side is
 * ready for several instances: repeated events are dropped across all of them and, without
 * HTTP interactions, one instance at a time holds the Discord gateway.
 * `main.ts` adds signals and exit codes.
 */
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { createEngineFromConfig, storeUrlOf } from '../engine/create-engine.ts';
import type { EngineApi } from '../engine/engine-api.ts';
import type { EngineOptions } from '../engine/engine-options.ts';
import type { Job } from '../engine/job.ts';
import { DiskMediaKeeper } from '../engine/media-keeper.ts';
import { openStore, type Store } from '../engine/store.ts';
import { WebhookReceiver } from '../engine/webhook-receiver.ts';
import type { Logger } from '../log/logger.ts';
import type { GalleryLinks } from '../platforms/gallery-links.ts';
import type { SlackStartOptions } from '../platforms/slack/start-slack.ts';
import { checkHealth, type EngineRunState } from './bot-health.ts';
import { BotMetrics } from './bot-metrics.ts';
import { type ChatSharing, chatSharing } from './chat-sharing.ts';
import { GalleryService } from './gallery/gallery-service.ts';
import { logJobStates } from './job-state-log.ts';
import { LocalFileShare } from './local-file-share.ts';
import { meterEngineApi } from './metered-engine-api.ts';
import { startOpsServer } from './ops-server.ts';
import { startUpstream } from './upstream.ts';

export interface StartBotOptions {
  /** Engine knobs (tests shorten the timings). */
  engineOverrides?: Partial<EngineOptions>;
  /** Slack adapter knobs (tests: upload limit, socket timeouts). */
  slack?: SlackStartOptions;
}

export interface RunningBot {
  /** The engine as the platforms see it (with refusals and deliveries counted). */
  readonly engine: EngineApi;
  /** The ops server's address, when `METRICS_PORT` is set. */
  readonly opsUrl: string | undefined;
  /**
   * Stop taking work (platforms first, then the engine, which lets in-flight writes finish and
   * closes the store), then the upstream and the ops server. Jobs resume on the next start.
   */
  stop(): Promise<void>;
}

/** Start everything `config` asks for. Rejects (having undone what started) when a part fails. */
export async function startBot(
  config: Config,
  logger: Logger,
  options: StartBotOptions = {},
): Promise<RunningBot> {
  const stops: Array<() => Promise<void>> = [];
  // Stops every part even when one fails; resolves with the failures.
  const undo = async () => {
    const failures: unknown[] = [];
    for (const stop of [...stops].reverse()) {
      await stop().catch((err: unknown) => {
        logger.warn('part did not stop cleanly', { err });
        failures.push(err);
      });
    }
    return failures;
  };
  try {
    // The store first: a second process on the same SQLite file is refused before anything starts.
    // Redis in distributed mode (no local store), else SQLite with its one-process lock.
    const store = await openStore(storeUrlOf(config), { logger: logger.child({ component: 'store' }) });
    let engineOwnsStore = false;
    stops.push(async () => {
      if (!engineOwnsStore) await store.close();
    });
    const upstream = await startUpstream(config, { logger: logger.child({ component: 'simulator' }) });
    stops.push(() => upstream.close());
    if (upstream.simulated) {
      logger.warn(
        'no VIDEO_API_BASE_URL: videos come from the built-in simulator (labelled in every message)',
      );
    }
    // The Redis client is loaded only in distributed mode (it costs a single process ~20 MiB).
    const redis = config.REDIS_URL
      ? (await import('../engine/redis-connection.ts')).openRedis(config.REDIS_URL)
      : undefined;
    if (redis) {
      redis.on('error', (err: unknown) => logger.warn('redis connection problem', { err }));
      // Pushed before the platforms, so it closes after them (the gateway lease is released first).
      stops.push(async () => {
        await redis.quit().catch(() => redis.disconnect());
      });
    }
    const chat = chatSharing(config, redis, logger);
    const metrics = await startMetrics(config, store);
    if (metrics) stops.push(async () => metrics.close());
    const fileShare = config.PUBLIC_URL
      ? new LocalFileShare({
          publicUrl: config.PUBLIC_URL,
          dataDir: config.DATA_DIR,
          logger: logger.child({ component: 'files' }),
        })
      : undefined;
    const media = galleryMedia(config, logger);
    if (media) {
      await media.load();
      metrics?.watchMedia(() => media.stats());
    }
    const engine = await createEngineFromConfig(config, {
      logger: logger.child({ component: 'engine' }),
      store,
      simulatorBaseUrl: upstream.baseUrl,
      simulatorApiKey: upstream.apiKey,
      ...(fileShare ? { fileShare } : {}),
      ...(media ? { media } : {}),
      overrides: {
        // With the embedded simulator its pace is known: first polls and ETAs use it until real samples exist.
        ...(upstream.expectedMsPerVideoSecond
          ? { timing: { fallbackMsPerVideoSecond: upstream.expectedMsPerVideoSecond } }
          : {}),
        // The upstream's webhooks trigger checks, so scheduled polls relax to a safety net
        // (not for the built-in simulator: it sends none).
        webhooks: config.WEBHOOK_SECRET !== undefined && metrics !== undefined && !upstream.simulated,
        ...options.engineOverrides,
      },
    });
    // The engine closes the store when it stops (and it stops before the upstream closes).
    engineOwnsStore = true;
    stops.push(() => engine.stop());
    metrics?.observe(engine);
    const stopStateLog = logJobStates(engine.events, logger.child({ component: 'engine' }));
    stops.push(async () => stopStateLog());
    let state: EngineRunState = 'starting';
    let opsUrl = '';
    const gallery =
      config.GALLERY_SECRET && metrics
        ? new GalleryService({
            secret: config.GALLERY_SECRET,
            engine,
            ...(media ? { media } : {}),
            baseUrl: () => config.PUBLIC_URL ?? opsUrl,
            logger: logger.child({ component: 'gallery' }),
          })
        : undefined;
    const ops =
      config.METRICS_PORT === undefined || !metrics
        ? undefined
        : await startOpsServer({
            port: config.METRICS_PORT,
            host: config.METRICS_HOST,
            health: () => checkHealth({ engineState: () => state, store, simulated: upstream.simulated }),
            metrics,
            ...(fileShare ? { files: fileShare } : {}),
            ...(config.WEBHOOK_SECRET
              ? {
                  webhook: new WebhookReceiver({
                    secret: config.WEBHOOK_SECRET,
                    target: engine,
                    logger: logger.child({ component: 'webhooks' }),
                  }),
                }
              : {}),
            ...(chat.endpoint ? { discordInteractions: chat.endpoint } : {}),
            ...(gallery ? { gallery } : {}),
            logger: logger.child({ component: 'ops' }),
          });
    if (ops) {
      opsUrl = ops.url;
      // Closed last, so /healthz answers 503 "stopping" while the rest shuts down.
      stops.unshift(() => ops.close());
      logger.info('ops server listening', {
        url: ops.url,
        files: fileShare !== undefined,
        webhooks: config.WEBHOOK_SECRET !== undefined,
        discordInteractions: chat.endpoint !== undefined,
        gallery: gallery !== undefined,
      });
    }
    const api: EngineApi = metrics ? meterEngineApi(engine, metrics) : engine;
    // Platforms first, so jobs resumed by the engine find their surfaces attached.
    await startPlatforms(config, api, logger, stops, options, chat, gallery);
    const report = await engine.start();
    state = 'running';
    logger.info('reelbot is running', { resumed: report, simulated: upstream.simulated });
    let stopped: Promise<void> | undefined;
    return {
      engine: api,
      opsUrl: ops?.url,
      stop() {
        state = 'stopping';
        stopped ??= undo().then((failures) => {
          if (failures.length > 0) throw failures[0];
        });
        return stopped;
      },
    };
  } catch (err) {
    await undo();
    throw err;
  }
}

/** The gallery's kept media, when the gallery is on (its pages need the ops server). */
function galleryMedia(config: Config, logger: Logger): DiskMediaKeeper | undefined {
  if (!config.GALLERY_SECRET || config.METRICS_PORT === undefined) return undefined;
  return new DiskMediaKeeper({
    dir: join(config.DATA_DIR, 'gallery'),
    retentionMs: config.GALLERY_RETENTION_DAYS * 86_400_000,
    maxBytes: config.GALLERY_MAX_MB * 1024 * 1024,
    logger: logger.child({ component: 'gallery' }),
  });
}

async function startMetrics(config: Config, store: Store): Promise<BotMetrics | undefined> {
  if (config.METRICS_PORT === undefined) return undefined;
  const metrics = new BotMetrics({
    maxConcurrency: config.VIDEO_API_MAX_CONCURRENCY,
    simulated: config.simulated,
  });
  // One pass over the stored jobs' states at start (not their records); state events keep the
  // counts current afterwards.
  const states = await store.scanFields<Job, 'state'>('jobs:', ['state']);
  metrics.countStoredJobs(states.flatMap(([, { state }]) => (state ? [{ state }] : [])));
  return metrics;
}

async function startPlatforms(
  config: Config,
  engine: EngineApi,
  logger: Logger,
  stops: Array<() => Promise<void>>,
  options: StartBotOptions,
  chat: ChatSharing,
  gallery: GalleryLinks | undefined,
): Promise<void> {
  // Each platform's library is loaded only when that platform is configured (tens of MB each),
  // and both connect at once: a start waits for the slower one, not for the two in a row.
  const starts: Array<Promise<{ stop(): Promise<void> }>> = [];
  if (config.DISCORD_TOKEN) {
    starts.push(
      import('../platforms/discord/start-discord.ts').then(({ startDiscord }) =>
        startDiscord({
          config,
          engine,
          logger: logger.child({ component: 'discord' }),
          once: chat.once,
          ...(chat.endpoint ? { endpoint: chat.endpoint } : {}),
          ...(chat.gatewayLease ? { gatewayLease: chat.gatewayLease } : {}),
          ...(gallery ? { gallery } : {}),
        }),
      ),
    );
  }
  if (config.SLACK_BOT_TOKEN) {
    starts.push(
      import('../platforms/slack/start-slack.ts').then(({ startSlack }) =>
        startSlack({
          config,
          engine,
          logger: logger.child({ component: 'slack' }),
          once: chat.once,
          ...(gallery ? { gallery } : {}),
          options: { maxUploadBytes: config.SLACK_MAX_UPLOAD_MB * 1024 * 1024, ...options.slack },
        }),
      ),
    );
  }
  // One failing must still leave the other stoppable (the caller undoes what started).
  const started = await Promise.allSettled(starts);
  for (const s of started) if (s.status === 'fulfilled') stops.push(() => s.value.stop());
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Configuration: parsed once at start from the environment (and `.env`) with zod
 * into a frozen object. Every problem is reported at once, each with how to fix it.
 * Nothing else in the code base reads `process.env`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const DIALECTS = ['auto', 'openai', 'body-remix', 'form', 'json-remix-size', 'gateway'] as const;
export type DialectSetting = (typeof DIALECTS)[number];

const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    );

const intFrom = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

const DEFAULT_STORE_URL = 'sqlite://./data/reelbot.sqlite';

const sizeRe = /^\d{2,5}x\d{2,5}$/;

const schema = z.object({
  VIDEO_API_BASE_URL: optionalString.pipe(
    z.url({ message: 'must be a URL such as https://host/v1' }).optional(),
  ),
  VIDEO_API_KEY: optionalString,
  VIDEO_API_DIALECT: z.enum(DIALECTS, { message: `must be one of ${DIALECTS.join(', ')}` }).default('auto'),
  VIDEO_MODELS: csv('sora-2').pipe(z.array(z.string().max(100)).min(1, 'list at least one model')),
  VIDEO_SIZES: csv('1280x720,720x1280').pipe(
    z
      .array(z.string().regex(sizeRe, 'each size is WIDTHxHEIGHT, e.g. 1280x720'))
      .min(1, 'list at least one size'),
  ),
  VIDEO_SECONDS: csv('4,8,12').pipe(
    z
      .array(
        z.coerce
          .number<string>({ message: 'each duration is whole seconds, e.g. 4,8,12' })
          .int()
          .min(1)
          .max(120),
      )
      .min(1, 'list at least one duration'),
  ),
  VIDEO_API_MAX_CONCURRENCY: intFrom(2, 1, 100),
  VIDEO_API_TIMEOUT_MS: intFrom(30_000, 1_000, 600_000),
  VIDEO_JOB_DEADLINE_MINUTES: intFrom(60, 1, 24 * 60),

  DISCORD_TOKEN: optionalString,
  DISCORD_GUILD_ID: optionalString.pipe(
    z
      .string()
      .regex(/^\d{5,25}$/, 'must be a numeric guild id')
      .optional(),
  ),
  DISCORD_API_URL: z.url().default('https://discord.com/api'),
  DISCORD_APPLICATION_ID: optionalString,
  /** The application's public key: turns on HTTP interactions at `POST /discord/interactions`. */
  DISCORD_PUBLIC_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex digits of the Public Key (General Information tab)')
      .optional(),
  ),

  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SLACK_API_URL: z.url().default('https://slack.com/api/'),
  SLACK_RESULT_IN_THREAD: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('true')
    .transform((v) => v === 'true'),
  /** Largest MP4 uploaded to Slack (the workspace's own limit may be lower); bigger results get a link. */
  SLACK_MAX_UPLOAD_MB: intFrom(1024, 1, 1024),

  STORE_URL: z.string().default(DEFAULT_STORE_URL),
  DATA_DIR: z.string().default('./data'),
  /**
   * The CLI's own store (never the bot's: the CLI would resume the bot's chat jobs).
   * Unset: `sqlite://<DATA_DIR>/cli.sqlite`.
   */
  CLI_STORE_URL: optionalString,
  /** Turns on the distributed mode: BullMQ scheduling and records in Redis, any number of instances. */
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must be a Redis URL such as redis://host:6379 (rediss:// for TLS)')
      .optional(),
  ),
  /**
   * Distributed mode: how long a job held by an instance that died waits before another instance
   * takes it over (the BullMQ lock; renewed every third of it while the holder lives).
   */
  REDIS_LOCK_MS: intFrom(20_000, 1000, 600_000),

  QUOTA_DAILY_VIDEOS: intFrom(10, 0, 100_000),
  QUOTA_DAILY_SECONDS: intFrom(120, 0, 10_000_000),
  QUOTA_ACTIVE_JOBS: intFrom(3, 1, 1000),
  QUOTA_WORKSPACE_DAILY_VIDEOS: intFrom(200, 0, 10_000_000),
  QUOTA_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isTimeZone, 'must be an IANA time zone such as UTC or Europe/Berlin'),
  ADMIN_USERS: csv(''),
  ADMIN_ROLES: csv(''),

  PROGRESS_EDIT_INTERVAL_MS: intFrom(3000, 250, 60_000),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  WEBHOOK_SECRET: optionalString,
  /** Signs `/gallery` links (HMAC-SHA256); unset: the gallery is off. */
  GALLERY_SECRET: optionalString,
  /** Days a delivered MP4 stays playable in the gallery (0: only thumbnails are kept). */
  GALLERY_RETENTION_DAYS: intFrom(7, 0, 3650),
  /** Most disk space for the gallery's MP4s, in MB; the oldest go first. */
  GALLERY_MAX_MB: intFrom(2048, 1, 10_000_000),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

/** Checks across variables, run on the raw strings so they are reported even when other values are bad. */
function crossChecks(env: Record<string, string | undefined>): string[] {
  const v = (k: string) => {
    const x = env[k]?.trim();
    return x === undefined || x === '' ? undefined : x;
  };
  const out: string[] = [];
  if (v('VIDEO_API_BASE_URL') && !v('VIDEO_API_KEY')) {
    out.push('VIDEO_API_KEY is required when VIDEO_API_BASE_URL is set (the bearer key of that upstream)');
  }
  const bot = v('SLACK_BOT_TOKEN');
  const app = v('SLACK_APP_TOKEN');
  if (bot && !app && !(v('SLACK_SIGNING_SECRET') && v('SLACK_PORT'))) {
    out.push(
      'SLACK_APP_TOKEN is needed for Socket Mode (xapp-...), or set both SLACK_SIGNING_SECRET and SLACK_PORT for HTTP mode',
    );
  }
  if (bot && !bot.startsWith('xoxb-')) out.push('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
  if (app && !app.startsWith('xapp-')) {
    out.push(
      'SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)',
    );
  }
  if ((app || v('SLACK_SIGNING_SECRET')) && !bot)
    out.push('SLACK_BOT_TOKEN is required when Slack is configured (xoxb-...)');
  if (v('PUBLIC_URL') && !v('METRICS_PORT')) {
    out.push('PUBLIC_URL needs METRICS_PORT: shared video links are served by the ops server on that port');
  }
  const hook = v('WEBHOOK_SECRET');
  if (hook && !v('METRICS_PORT')) {
    out.push('WEBHOOK_SECRET needs METRICS_PORT: the ops server on that port receives POST /webhooks/video');
  }
  if (hook && !/^(whsec_)?[A-Za-z0-9+/]{16,}={0,2}$/.test(hook)) {
    out.push(
      'WEBHOOK_SECRET must be the signing secret the upstream shows for the endpoint (whsec_<base64>)',
    );
  }
  const gallery = v('GALLERY_SECRET');
  if (gallery && !v('METRICS_PORT')) {
    out.push(
      'GALLERY_SECRET needs METRICS_PORT: the gallery pages are served by the ops server on that port',
    );
  }
  if (gallery && gallery.length < 16) {
    out.push('GALLERY_SECRET must be at least 16 characters (e.g. the output of `openssl rand -hex 32`)');
  }
  if (v('DISCORD_PUBLIC_KEY') && !v('METRICS_PORT')) {
    out.push(
      'DISCORD_PUBLIC_KEY needs METRICS_PORT: the ops server on that port receives POST /discord/interactions',
    );
  }
  for (const key of ['STORE_URL', 'CLI_STORE_URL']) {
    const store = v(key);
    if (store && !/^sqlite:\/\//.test(store) && !/^memory:?$/.test(store)) {
      out.push(`${key} must be sqlite://path/to/file.sqlite (or memory: for throwaway runs)`);
    }
  }
  const cliStore = v('CLI_STORE_URL');
  if (cliStore && cliStore === (v('STORE_URL') ?? DEFAULT_STORE_URL) && !/^memory:?$/.test(cliStore)) {
    out.push(
      "CLI_STORE_URL must differ from STORE_URL: on the bot's store the CLI would resume the bot's chat jobs",
    );
  }
  return out;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export type RawConfig = z.output<typeof schema>;

export interface Config extends RawConfig {
  /** True when no upstream is configured and the built-in simulator serves videos. */
  readonly simulated: boolean;
  /** `VIDEO_API_KEY` split at commas: a pool of keys, each with `VIDEO_API_MAX_CONCURRENCY`. */
  readonly VIDEO_API_KEYS: readonly string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`reelbot cannot start, fix the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parse configuration from `env` (default: `process.env`, after loading `.env` if present). */
export function loadConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined> = readProcessEnv(),
): Config {
  const result = schema.safeParse(env);
  const problems = crossChecks(env);
  if (!result.success) {
    const seen = new Set<string>();
    for (const i of result.error.issues) {
      const key = String(i.path[0] ?? '(environment)');
      if (seen.has(key)) continue;
      seen.add(key);
      const got = typeof i.path[0] === 'string' ? env[i.path[0]] : undefined;
      const shown = got !== undefined && !/TOKEN|KEY|SECRET/.test(key) ? ` (got "${got}")` : '';
      problems.push(`${key} ${i.message}${shown}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const c = result.data;
  const keys = (c.VIDEO_API_KEY ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  return Object.freeze({
    ...c,
    simulated: c.VIDEO_API_BASE_URL === undefined,
    VIDEO_API_KEYS: Object.freeze(keys),
  });
}

/** Every secret in `config`, for the logger to redact (`createLogger({ secrets })`). */
export function configSecrets(config: Config): string[] {
  return [
    ...config.VIDEO_API_KEYS,
    config.VIDEO_API_KEY,
    config.DISCORD_TOKEN,
    config.SLACK_BOT_TOKEN,
    config.SLACK_APP_TOKEN,
    config.SLACK_SIGNING_SECRET,
    config.WEBHOOK_SECRET,
    config.GALLERY_SECRET,
    config.REDIS_URL,
  ].filter((s): s is string => s !== undefined);
}

/** The store the CLI uses: `CLI_STORE_URL`, or its own file beside the bot's data. */
export function cliStoreUrl(config: Config): string {
  return config.CLI_STORE_URL ?? `sqlite://${join(config.DATA_DIR, 'cli.sqlite')}`;
}

function readProcessEnv(): NodeJS.ProcessEnv {
  if (existsSync('.env')) {
    try {
      process.loadEnvFile('.env');
    } catch (err) {
      throw new ConfigError([`.env could not be read: ${(err as Error).message}`]);
    }
  }
  return process.env;
}

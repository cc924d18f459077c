/**
 * `npm run cli -- <command>` (also the `reelbot` bin): the bot's engine and client from a terminal.
 *
 *   probe                                   which dialect and capabilities the upstream has
 *   video "prompt" [--size WxH] [--seconds N] [--model M] [--image file] --out file.mp4 [--json]
 *   remix <video_id> "prompt" --out file.mp4 [--json]
 *
 * Reads VIDEO_API_BASE_URL, VIDEO_API_KEY, VIDEO_API_DIALECT (and the rest of the config) from
 * the environment or `.env`; with no upstream configured the built-in simulator serves videos.
 */
import { parseArgs } from 'node:util';
import { ConfigError, configSecrets, loadConfig } from '../../config/config.ts';
import { createLogger } from '../../log/logger.ts';
import { isUserVideoId } from '../../video/video-id.ts';
import { type GenerateArgs, runGenerate } from './generate.ts';
import { runProbe } from './probe.ts';

const USAGE = `usage:
  npm run cli -- probe
  npm run cli -- video "prompt" [--size WxH] [--seconds N] [--model M] [--image file] --out file.mp4 [--json]
  npm run cli -- remix <video_id> "prompt" --out file.mp4 [--json]
`;

class UsageError extends Error {}

export function parseGenerateArgs(command: 'video' | 'remix', argv: string[]): GenerateArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      size: { type: 'string' },
      seconds: { type: 'string' },
      model: { type: 'string' },
      image: { type: 'string' },
      out: { type: 'string', short: 'o' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.out) throw new UsageError('--out file.mp4 is required: where to save the video');
  const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
  if (seconds !== undefined && !Number.isInteger(seconds))
    throw new UsageError('--seconds must be a whole number');
  const [first, second] = positionals;
  const remix = command === 'remix';
  if (remix && (first === undefined || second === undefined || positionals.length > 2)) {
    throw new UsageError('remix takes a video id and a quoted prompt: remix video_abc "make it snow"');
  }
  if (!remix && (first === undefined || positionals.length > 1)) {
    throw new UsageError('video takes one quoted prompt: video "a red fox in snow" --out fox.mp4');
  }
  if (remix && first !== undefined && !isUserVideoId(first)) {
    throw new UsageError(
      `"${first.slice(0, 60)}" is not a video id: copy the id the bot printed (video_...)`,
    );
  }
  if (remix && (values.size || values.seconds || values.image)) {
    throw new UsageError('a remix inherits size and seconds from its source and takes no image');
  }
  return {
    kind: command,
    prompt: (remix ? second : first) ?? '',
    ...(remix ? { videoId: first } : {}),
    ...(values.size ? { size: values.size } : {}),
    ...(seconds !== undefined ? { seconds } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(values.image ? { imagePath: values.image } : {}),
    out: values.out,
    json: values.json ?? false,
  };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'probe') return await runProbe(loadConfig(), process.stdout);
    if (command === 'video' || command === 'remix') {
      const args = parseGenerateArgs(command, rest);
      const config = loadConfig();
      const logger = createLogger({
        level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL,
        secrets: configSecrets(config),
      });
      return await runGenerate(config, args, { stdout: process.stdout, stderr: process.stderr, logger });
    }
    process.stderr.write(USAGE);
    return 2;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

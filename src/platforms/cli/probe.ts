/**
 * `reelbot probe`: which dialect the configured upstream speaks, what it supports and a few
 * recent videos. Prints the base URL but never the key. With no upstream configured it
 * probes a built-in simulator, and says so.
 */
import { simulatorStateFile } from '../../app/upstream.ts';
import type { Config } from '../../config/config.ts';
import { type Logger, silentLogger } from '../../log/logger.ts';
import { startSimulator } from '../../simulator/simulator.ts';
import { VideoApiError } from '../../video/errors.ts';
import type { Capabilities, Video } from '../../video/video.ts';
import { VideoClient, type VideoClientOptions } from '../../video/video-client.ts';

/** Where probe output goes (process.stdout, or a collector in tests). */
export interface ProbeOut {
  write(text: string): unknown;
}

export interface ProbeDeps {
  logger?: Logger;
  /** Extra client options (e.g. a test dispatcher). */
  client?: Partial<VideoClientOptions>;
  /** How many recent videos to show. @default 5 */
  recent?: number;
}

export interface ProbeReport {
  baseUrl: string;
  simulated: boolean;
  capabilities: Capabilities;
  recent: Video[];
}

type ProbeConfig = Pick<
  Config,
  'VIDEO_API_BASE_URL' | 'VIDEO_API_KEYS' | 'VIDEO_API_DIALECT' | 'VIDEO_API_TIMEOUT_MS' | 'simulated'
> &
  Partial<Pick<Config, 'DATA_DIR'>>;

/** Probe the upstream and print what was found. Returns the process exit code (0 when probing worked). */
export async function runProbe(config: ProbeConfig, out: ProbeOut, deps: ProbeDeps = {}): Promise<number> {
  // With DATA_DIR, the built-in simulator shows the videos earlier CLI runs made (ids to remix).
  const stateFile = config.DATA_DIR === undefined ? {} : { stateFile: simulatorStateFile(config.DATA_DIR) };
  const sim = config.simulated
    ? await startSimulator({ logger: deps.logger ?? silentLogger, ...stateFile })
    : undefined;
  try {
    const report = await probeUpstream(
      {
        baseUrl: sim?.url ?? config.VIDEO_API_BASE_URL ?? '',
        // With a pool of keys, the first one speaks for the upstream.
        apiKey: sim?.options.apiKey ?? config.VIDEO_API_KEYS[0] ?? '',
        dialect: config.VIDEO_API_DIALECT,
        timeoutMs: config.VIDEO_API_TIMEOUT_MS,
        logger: deps.logger ?? silentLogger,
        ...deps.client,
      },
      deps.recent ?? 5,
    );
    out.write(formatProbeReport({ ...report, simulated: sim !== undefined }));
    return 0;
  } catch (err) {
    // Typed errors carry safe, actionable sentences; anything else is summarised by name.
    const message = err instanceof VideoApiError ? err.message : `${(err as Error).name}: probing failed.`;
    out.write(`probe failed: ${message}\n`);
    return 1;
  } finally {
    await sim?.close();
  }
}

async function probeUpstream(
  options: VideoClientOptions,
  recent: number,
): Promise<Omit<ProbeReport, 'simulated'>> {
  const client = new VideoClient(options);
  const capabilities = await client.capabilities();
  const videos = capabilities.list ? (await client.list({ limit: recent })).data : [];
  return { baseUrl: client.baseUrl, capabilities, recent: videos };
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** The human-readable report. */
export function formatProbeReport(report: ProbeReport): string {
  const c = report.capabilities;
  const lines = [
    `upstream:     ${report.baseUrl}${report.simulated ? ' (built-in simulator: VIDEO_API_BASE_URL is not set)' : ''}`,
    `dialect:      ${c.dialect}`,
    `remix:        ${yesNo(c.remix)}`,
    `list:         ${yesNo(c.list)}`,
    `delete:       ${yesNo(c.delete)}`,
    `edits:        ${yesNo(c.edits)}`,
    `extensions:   ${yesNo(c.extensions)}`,
    `characters:   ${yesNo(c.characters)}`,
    `results:      ${c.results}`,
    ...c.notes.map((n, i) => `${i === 0 ? 'notes:        ' : '              '}${n}`),
    `recent videos: ${report.recent.length === 0 ? 'none' : ''}`,
    ...report.recent.map(formatVideoLine),
  ];
  return `${lines.join('\n')}\n`;
}

function formatVideoLine(v: Video): string {
  const prompt =
    v.prompt === undefined ? '' : ` "${v.prompt.length > 50 ? `${v.prompt.slice(0, 49)}…` : v.prompt}"`;
  const shape = [v.size, v.seconds === undefined ? undefined : `${v.seconds}s`].filter(Boolean).join(' ');
  return `  ${v.id}  ${v.status} ${v.progress}%  ${shape}${prompt}`;
}

/**
 * Works out which dialect an upstream speaks, using only requests that cannot start a paid job:
 * a list, a lookup of an id that cannot exist, and two POSTs with empty bodies that any server
 * refuses at validation. Stops at the first clear sign; `openai` when nothing else shows.
 */
import type { Logger } from '../log/logger.ts';
import { routeMissingAnswer } from './dialect-fallback.ts';
import { parseErrorBody } from './error-from-response.ts';
import type { ResolvedDialect } from './video.ts';
import type { RawAnswer, SendOptions, VideoTransport } from './video-transport.ts';

export interface ProbeResult {
  dialect: ResolvedDialect;
  /** Why, in a few words per request (for `cli probe` and logs). */
  evidence: string[];
  /** `GET /videos` answered a list. */
  listWorks: boolean;
  /** `GET /videos` answered "no such route": the upstream has no list. */
  listMissing: boolean;
  /** Completed items in the list carried download links. */
  sawResultUrls: boolean;
  /** HTTP requests spent. */
  requests: number;
}

/** An id no upstream issues, so the lookup is always a harmless 404. */
export const PROBE_VIDEO_ID = 'video_reelbot_probe_does_not_exist';

type Verdict = ResolvedDialect | undefined;

interface Step {
  request: SendOptions;
  judge(answer: RawAnswer, result: ProbeResult): Verdict;
}

const STEPS: Step[] = [
  { request: { method: 'GET', path: '/videos', query: { limit: 10 } }, judge: judgeList },
  { request: { method: 'GET', path: `/videos/${PROBE_VIDEO_ID}` }, judge: judgeNotFound },
  { request: { method: 'POST', path: '/videos/remix', json: {} }, judge: judgeBodyRemix },
  { request: { method: 'POST', path: '/videos', json: {} }, judge: judgeEmptyCreate },
];

/** Probe `transport`'s upstream. Transport errors (network, timeout, abort) propagate. */
export async function probeDialect(
  transport: VideoTransport,
  logger: Logger,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const result: ProbeResult = {
    dialect: 'openai',
    evidence: [],
    listWorks: false,
    listMissing: false,
    sawResultUrls: false,
    requests: 0,
  };
  for (const step of STEPS) {
    const answer = await transport.attempt({ ...step.request, signal });
    result.requests++;
    if (answer.status === 401 || answer.status === 403) {
      // The key is refused: every later answer would be the same, and guessing is worse than saying so.
      await transport.attemptOk({ ...step.request, signal });
    }
    const verdict = step.judge(answer, result);
    if (verdict !== undefined) {
      result.dialect = verdict;
      break;
    }
  }
  if (result.evidence.length === 0 || result.dialect === 'openai')
    result.evidence.push('no dialect quirks seen');
  logger.info('video api dialect probed', {
    dialect: result.dialect,
    evidence: result.evidence,
    requests: result.requests,
  });
  return result;
}

function jsonOf(answer: RawAnswer): unknown {
  try {
    return JSON.parse(answer.text);
  } catch {
    return undefined;
  }
}

function judgeList(answer: RawAnswer, result: ProbeResult): Verdict {
  if (answer.status < 200 || answer.status >= 300) {
    result.listMissing = routeMissingAnswer(answer.status, answer.text);
    result.evidence.push(
      `GET /videos answered ${answer.status}${result.listMissing ? ' (no list route)' : ''}`,
    );
    return undefined;
  }
  const body = jsonOf(answer);
  const items = Array.isArray(body)
    ? body
    : typeof body === 'object' && body !== null && Array.isArray((body as { data?: unknown }).data)
      ? ((body as { data: unknown[] }).data as unknown[])
      : undefined;
  if (items === undefined) return undefined;
  result.listWorks = true;
  const objects = items.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null);
  result.sawResultUrls = objects.some((o) => Array.isArray(o.assets) || typeof o.video_url === 'string');
  const statuses = new Set(objects.map((o) => String(o.status ?? '').toLowerCase()));
  if (objects.some((o) => 'task_id' in o || /^task_/.test(String(o.id)))) {
    result.evidence.push('list items carry task ids');
    return 'gateway';
  }
  if (statuses.has('processing') || statuses.has('success') || objects.some((o) => 'assets' in o)) {
    result.evidence.push('list items use processing/success statuses or assets');
    return 'form';
  }
  const bareRemixId = objects.some(
    (o) => typeof o.remixed_from_video_id === 'string' && !/^(video|task)_/.test(o.remixed_from_video_id),
  );
  if (objects.some((o) => 'detail' in o) || bareRemixId) {
    result.evidence.push('list items carry detail or unprefixed remix ids');
    return 'json-remix-size';
  }
  result.evidence.push(`GET /videos listed ${objects.length} item(s) in the official shape`);
  return undefined;
}

function judgeNotFound(answer: RawAnswer, result: ProbeResult): Verdict {
  const envelope = parseErrorBody(answer.text);
  const raw = jsonOf(answer);
  const inner =
    typeof raw === 'object' && raw !== null && typeof (raw as { error?: unknown }).error === 'object'
      ? ((raw as { error: Record<string, unknown> }).error ?? {})
      : {};
  if (envelope?.messageZh !== undefined) {
    result.evidence.push('errors carry message_zh');
    return 'json-remix-size';
  }
  const top = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  if (
    envelope?.type === 'new_api_error' ||
    envelope?.code === 'task_not_exist' ||
    ('data' in top && 'code' in top)
  ) {
    result.evidence.push('errors are new-api envelopes');
    return 'gateway';
  }
  // Integer codes (`{code: 404}`) are HTTP statuses repeated, not a reseller's own code words.
  const wordCode = envelope?.code !== undefined && !/^\d+$/.test(envelope.code);
  if (envelope?.message !== undefined && wordCode && !('type' in inner)) {
    result.evidence.push('errors are {message, code} without type');
    return 'body-remix';
  }
  result.evidence.push(`unknown id answered ${answer.status}`);
  return undefined;
}

function judgeBodyRemix(answer: RawAnswer, result: ProbeResult): Verdict {
  if (answer.status === 400 || answer.status === 422) {
    result.evidence.push('POST /videos/remix validates its body');
    return 'body-remix';
  }
  if (answer.status === 415) {
    result.evidence.push('POST routes want multipart/form-data');
    return 'form';
  }
  return undefined;
}

function judgeEmptyCreate(answer: RawAnswer, result: ProbeResult): Verdict {
  const message = parseErrorBody(answer.text)?.message ?? answer.text;
  if (answer.status === 415 || /multipart/i.test(message)) {
    result.evidence.push('POST /videos wants multipart/form-data');
    return 'form';
  }
  return undefined;
}

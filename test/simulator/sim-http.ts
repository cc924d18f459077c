/**
 * Raw-fetch helpers for the simulator tests: no dependency on the video client.
 */
import type { Simulator, SimulatorOptions } from '../../src/simulator/simulator.ts';
import { startSimulator } from '../../src/simulator/simulator.ts';

/** Small timings so a 4-second video takes a few hundred milliseconds. */
export const FAST_TIMING = { queuedMs: 20, msPerVideoSecond: 40, minRunMs: 60, jitter: 0 } as const;

export interface CallOptions {
  method?: string;
  json?: unknown;
  form?: FormData;
  /** `null` sends no Authorization header. @default the simulator's key as Bearer */
  auth?: string | null;
  signal?: AbortSignal;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: Record<string, unknown> & { error?: Record<string, unknown> };
}

/** Start a simulator with fast timings; the caller closes it. */
export function startFast(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ timing: { ...FAST_TIMING, ...options.timing }, seed: 7, ...options });
}

/** Call `path` (relative to the `/v1` base, or absolute). */
export async function call(sim: Simulator, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = {};
  if (options.auth !== null) headers.authorization = options.auth ?? `Bearer ${sim.options.apiKey}`;
  let body: string | FormData | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form;
  }
  const url = path.startsWith('http') ? path : `${sim.url}${path}`;
  const init: RequestInit = { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers };
  if (body !== undefined) init.body = body;
  if (options.signal) init.signal = options.signal;
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: CallResult['body'];
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined as unknown as CallResult['body'];
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** Download bytes (no JSON parsing). */
export async function download(
  sim: Simulator,
  path: string,
  auth: string | null = `Bearer ${sim.options.apiKey}`,
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const headers: Record<string, string> = auth === null ? {} : { authorization: auth };
  const url = path.startsWith('http') ? path : `${sim.url}${path}`;
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

export function form(fields: Record<string, string | Blob>): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
}

/** Create a video in whatever body the dialect accepts; returns the answer body. */
export async function createVideo(
  sim: Simulator,
  fields: Record<string, string | number> = {},
): Promise<CallResult['body']> {
  const all = { prompt: 'a lighthouse at dawn', size: '1280x720', seconds: '4', ...fields };
  const result =
    sim.options.dialect === 'form'
      ? await call(sim, '/videos', { form: form(stringify(all)) })
      : await call(sim, '/videos', { json: all });
  if (result.status !== 200) throw new Error(`create failed: ${result.status} ${result.text}`);
  return result.body;
}

function stringify(fields: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));
}

/** Poll `check` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Words each dialect uses for a finished video. */
const DONE_WORDS = new Set([
  'completed',
  'success',
  'succeeded',
  'failed',
  'failure',
  'error',
  'cancelled',
  'canceled',
]);

/** Poll a video until it is finished; returns every answer seen, last one finished. */
export async function pollUntilDone(sim: Simulator, id: string): Promise<CallResult['body'][]> {
  const seen: CallResult['body'][] = [];
  await waitFor(async () => {
    const r = await call(sim, `/videos/${id}`);
    if (r.status !== 200) throw new Error(`retrieve failed: ${r.status} ${r.text}`);
    seen.push(r.body);
    return DONE_WORDS.has(String(r.body.status).toLowerCase()) ? true : undefined;
  }, `video ${id} to finish`);
  return seen;
}

/** Progress as a number, whichever way the dialect wrote it. */
export function progressNumber(body: Record<string, unknown>): number {
  const p = body.progress;
  return typeof p === 'string' ? Number(p.replace('%', '')) : Number(p);
}

/** True when the bytes are an MP4 (an `ftyp` box first). */
export function isMp4(bytes: Buffer): boolean {
  return bytes.subarray(4, 8).toString('latin1') === 'ftyp';
}

export const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The loop the seeds show, on the official `openai` npm SDK: `videos.create`, then
 * `sleep(20)` + `videos.retrieve` until the status is final. The SDK has no video poll helper,
 * so its generic cadence (the one its other `poll` helpers use: `openai-poll-after-ms` when the
 * server sends it, else 5 s) is modelled by {@link sdkCadenceLoop}.
 */
import OpenAI from 'openai';
import type { VideoSeconds } from 'openai/resources/videos';
import type { Simulator } from '../../src/simulator/simulator.ts';
import { delay } from '../lib/wait-until.ts';
import { type Contender, FINISHED, type FollowedJob, promptFor } from './contender.ts';

/** The SDK's default poll interval in its `poll` helpers. */
export const SDK_DEFAULT_POLL_MS = 5000;

function clientFor(sim: Simulator): OpenAI {
  return new OpenAI({ apiKey: sim.options.apiKey, baseURL: sim.url, maxRetries: 2 });
}

function secondsParam(seconds: number): VideoSeconds {
  return String(seconds) as VideoSeconds;
}

/** The seeds' loop: retrieve every `intervalMs` (20 s in the seeds, scaled by the bench). */
export function seedSdkLoop(sim: Simulator, intervalMs: number, name: string): Contender {
  const openai = clientFor(sim);
  return {
    name,
    run: (all) =>
      Promise.all(
        all.map(async (seconds, i): Promise<FollowedJob> => {
          let video = await openai.videos.create({
            model: 'sora-2',
            prompt: promptFor('seed-sdk', i),
            size: '1280x720',
            seconds: secondsParam(seconds),
          });
          while (!FINISHED.has(video.status)) {
            await delay(intervalMs);
            video = await openai.videos.retrieve(video.id);
          }
          return { videoId: video.id, seconds, learnedAt: Date.now(), status: video.status };
        }),
      ),
  };
}

/**
 * The SDK's generic cadence: wait `openai-poll-after-ms` when the answer carries it, else the
 * default (5 s, scaled by the bench as `defaultMs`). A server hint is a real-time figure from
 * the server and is used as sent.
 */
export function sdkCadenceLoop(sim: Simulator, defaultMs: number, name: string): Contender {
  const openai = clientFor(sim);
  return {
    name,
    run: (all) =>
      Promise.all(
        all.map(async (seconds, i): Promise<FollowedJob> => {
          let { data: video, response } = await openai.videos
            .create({
              model: 'sora-2',
              prompt: promptFor('sdk-cadence', i),
              size: '1280x720',
              seconds: secondsParam(seconds),
            })
            .withResponse();
          while (!FINISHED.has(video.status)) {
            const hinted = Number.parseInt(response.headers.get('openai-poll-after-ms') ?? '', 10);
            await delay(Number.isNaN(hinted) ? defaultMs : hinted);
            ({ data: video, response } = await openai.videos.retrieve(video.id).withResponse());
          }
          return { videoId: video.id, seconds, learnedAt: Date.now(), status: video.status };
        }),
      ),
  };
}

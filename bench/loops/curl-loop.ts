/**
 * The curl loop from the seeds (`while true; do curl .../videos/$ID; [done] && break; sleep 5; done`),
 * written with `fetch`: create, then check, sleep, check again.
 */
import type { Simulator } from '../../src/simulator/simulator.ts';
import { delay } from '../lib/wait-until.ts';
import { type Contender, FINISHED, type FollowedJob, promptFor } from './contender.ts';

interface VideoJson {
  id: string;
  status: string;
}

export function curlLoop(sim: Simulator, intervalMs: number, name: string): Contender {
  const headers = { authorization: `Bearer ${sim.options.apiKey}`, 'content-type': 'application/json' };
  const call = async (path: string, init: RequestInit = {}): Promise<VideoJson> => {
    const res = await fetch(`${sim.url}${path}`, { ...init, headers });
    if (!res.ok) throw new Error(`curl loop: ${init.method ?? 'GET'} ${path} answered ${res.status}`);
    return (await res.json()) as VideoJson;
  };
  return {
    name,
    run: (all) =>
      Promise.all(
        all.map(async (seconds, i): Promise<FollowedJob> => {
          const body = {
            model: 'sora-2',
            prompt: promptFor('curl', i),
            size: '1280x720',
            seconds: String(seconds),
          };
          const { id } = await call('/videos', { method: 'POST', body: JSON.stringify(body) });
          for (;;) {
            const video = await call(`/videos/${id}`);
            if (FINISHED.has(video.status)) {
              return { videoId: id, seconds, learnedAt: Date.now(), status: video.status };
            }
            await delay(intervalMs);
          }
        }),
      ),
  };
}

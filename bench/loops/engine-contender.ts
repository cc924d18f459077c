/**
 * The bot's engine as a contender: submit every job at once (its cap raised so none waits in
 * its own queue) and note when each reached `completed` (the `state` event). With `webhooks`, the
 * engine runs in webhook mode and the inbox hands it the simulator's events.
 */
import type { Simulator } from '../../src/simulator/simulator.ts';
import { cliRequest, type EngineRig, startEngineRig } from '../lib/engine-rig.ts';
import { scaledEngineTiming } from '../lib/time-scale.ts';
import { waitUntil } from '../lib/wait-until.ts';
import type { WebhookInbox } from '../lib/webhook-inbox.ts';
import { type Contender, type FollowedJob, promptFor } from './contender.ts';

export function engineContender(
  sim: Simulator,
  scale: number,
  name: string,
  webhooks?: WebhookInbox,
): Contender {
  let rig: EngineRig | undefined;
  return {
    name,
    async run(all) {
      rig = await startEngineRig({
        sim,
        maxConcurrency: all.length,
        timing: scaledEngineTiming(scale),
        webhooks: webhooks !== undefined,
      });
      const { engine } = rig;
      webhooks?.bind(engine);
      const learned = new Map<string, FollowedJob>();
      engine.events.on('state', (job) => {
        if ((job.state === 'completed' || job.state === 'failed') && job.videoId) {
          learned.set(job.id, {
            videoId: job.videoId,
            seconds: job.seconds,
            learnedAt: Date.now(),
            status: job.state,
          });
        }
      });
      const ids: string[] = [];
      for (const [i, seconds] of all.entries()) {
        const out = await engine.submit(cliRequest(`bench-user-${i}`, promptFor('engine', i), seconds));
        if (!out.ok) throw new Error(`engine refused a bench job: ${JSON.stringify(out.refusal)}`);
        ids.push(out.value.job.id);
      }
      await waitUntil(() => ids.every((id) => learned.has(id)), 240_000, `${name} to finish its jobs`, 20);
      return ids.map((id) => learned.get(id)!);
    },
    close: async () => {
      await rig?.close();
    },
  };
}

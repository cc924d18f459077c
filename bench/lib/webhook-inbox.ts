/**
 * The bot's real webhook endpoint for the bench: the ops server with `POST /webhooks/video` and a
 * {@link WebhookReceiver}. The simulator needs the URL before it starts and the engine needs the
 * simulator first, so the receiver is bound to the engine afterwards.
 */
import { type OpsServer, startOpsServer, WEBHOOK_PATH } from '../../src/app/ops-server.ts';
import type { Job } from '../../src/engine/job.ts';
import { WebhookReceiver, type WebhookTarget } from '../../src/engine/webhook-receiver.ts';

/** A fixed secret is fine: everything stays on 127.0.0.1 for one run. */
export const BENCH_WEBHOOK_SECRET = `whsec_${Buffer.from('reelbot bench webhook signing key').toString('base64')}`;

export interface WebhookInbox {
  /** Where the simulator POSTs its events. */
  readonly url: string;
  readonly secret: string;
  readonly receiver: WebhookReceiver;
  /** Route events to this engine from now on (before that they are acknowledged and ignored). */
  bind(target: WebhookTarget): void;
  close(): Promise<void>;
}

export async function startWebhookInbox(): Promise<WebhookInbox> {
  let bound: WebhookTarget | undefined;
  const receiver = new WebhookReceiver({
    secret: BENCH_WEBHOOK_SECRET,
    target: {
      findJobByVideoId: (videoId): Promise<Job | undefined> =>
        bound ? bound.findJobByVideoId(videoId) : Promise.resolve(undefined),
      pollNow: (jobId) => bound?.pollNow(jobId),
    },
  });
  const ops: OpsServer = await startOpsServer({
    port: 0,
    health: async () => ({
      status: 'ok',
      engine: 'running',
      store: 'unchecked',
      uptimeS: 0,
      simulated: true,
    }),
    metrics: { render: () => '' },
    webhook: receiver,
  });
  return {
    url: `${ops.url}${WEBHOOK_PATH}`,
    secret: BENCH_WEBHOOK_SECRET,
    receiver,
    bind: (target) => {
      bound = target;
    },
    close: () => ops.close(),
  };
}

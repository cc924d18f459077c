/**
 * Small messages between instances over Redis pub/sub: "check this job now" (an upstream
 * webhook reached some instance; the one following the job acts) and "this job ended" (a cancel
 * on one instance stops the one running it). Lost messages cost only time: the follower's own
 * schedule checks the job anyway, and a cancelled job is found ended at its next store read.
 */
import type { Redis } from 'ioredis';

export type ClusterMessage = { type: 'poke' | 'ended'; jobId: string };

const CHANNEL = 'reelbot:jobs';

export class ClusterBus {
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    onMessage: (m: ClusterMessage) => void,
  ) {
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== CHANNEL) return;
      try {
        const m = JSON.parse(text) as ClusterMessage;
        if ((m.type === 'poke' || m.type === 'ended') && typeof m.jobId === 'string') onMessage(m);
      } catch {
        // not one of ours
      }
    });
  }

  /** Resolves once subscribed (messages published before that are not seen here). */
  async start(): Promise<void> {
    await this.subscriber.subscribe(CHANNEL);
  }

  async publish(m: ClusterMessage): Promise<void> {
    await this.publisher.publish(CHANNEL, JSON.stringify(m));
  }
}

/**
 * A surface for engine-only scenarios: counts what the engine asks of a chat platform and reads
 * every delivered video to the end (so delivery costs what it would), showing nothing.
 */
import type { JobError } from '../../src/engine/job.ts';
import type { DeliveredVideo, JobView, MessageRef, Surface } from '../../src/engine/surface.ts';

export class CountingSurface implements Surface {
  readonly calls = { accepted: 0, progress: 0, completed: 0, failed: 0, cancelled: 0 };
  #next = 0;

  async jobAccepted(_view: JobView): Promise<MessageRef> {
    this.calls.accepted += 1;
    this.#next += 1;
    return { messageRef: `m${this.#next}` };
  }

  async jobProgress(_view: JobView): Promise<void> {
    this.calls.progress += 1;
  }

  async jobCompleted(_view: JobView, video: DeliveredVideo): Promise<MessageRef | undefined> {
    this.calls.completed += 1;
    for await (const _chunk of video.open()) {
      // drained, not kept
    }
    return undefined;
  }

  async jobFailed(_view: JobView, _error: JobError): Promise<void> {
    this.calls.failed += 1;
  }

  async jobCancelled(_view: JobView, _by: { userId: string; displayName: string }): Promise<void> {
    this.calls.cancelled += 1;
  }
}

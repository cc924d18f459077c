/**
 * How the engine shows jobs in Slack: `chat.postMessage` for the job message, `chat.update` on
 * its `ts` for progress and the outcome, and `files.uploadV2` for the MP4 into the job's thread
 * (or the channel), with lineage and Remix / Re-roll buttons beside it.
 */
import type { webApi } from '@slack/bolt';
import { retry } from '../../async/retry.ts';
import { backoffMs } from '../../async/sleep.ts';
import type { JobError } from '../../engine/job.ts';
import type { DeliveredVideo, JobView, MessageRef, Surface } from '../../engine/surface.ts';
import type { Logger } from '../../log/logger.ts';
import { t } from '../../presentation/catalogue/catalogue.ts';
import { formatBytes } from '../../presentation/format-bytes.ts';
import { type JobExtras, renderJobMessage, renderResultMessage } from './render/job-blocks.ts';
import { link } from './render/slack-text.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

export interface SlackSurfaceOptions {
  client: WebClient;
  logger: Logger;
  /** Results go into the job message's thread (else the channel). `SLACK_RESULT_IN_THREAD`. */
  resultInThread: boolean;
  /** Largest MP4 uploaded; bigger ones are offered as a link. */
  maxUploadBytes: number;
}

/** Slack errors that retrying will not fix: the message or channel is gone or closed to the bot. */
const GONE = new Set([
  'message_not_found',
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'cant_update_message',
]);

/** Tries of the job message's final edit after a successful upload. */
const FINAL_EDIT_ATTEMPTS = 5;

/** An error Slack answered in its body (`ok: false`), which the Web API client does not retry. */
const isPlatformError = (err: unknown) => (err as { code?: unknown }).code === 'slack_webapi_platform_error';

function slackError(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

export class SlackSurface implements Surface {
  /** One call at a time per job, so a late progress edit never lands over the final state. */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Jobs whose final state is shown; progress edits for them are dropped. */
  private readonly finished = new Set<string>();

  constructor(private readonly o: SlackSurfaceOptions) {}

  jobAccepted(view: JobView): Promise<MessageRef> {
    return this.serial(view.job.id, async () => {
      const place = view.job.place;
      if (view.job.private) return this.privateNotice(view, {});
      const r = renderJobMessage(view);
      // A later variant joins the first variant's thread.
      const thread = place.threadRef ?? place.replyTo;
      const res = await this.o.client.chat.postMessage({
        channel: place.channelId,
        text: r.text,
        blocks: r.blocks,
        unfurl_links: false,
        unfurl_media: false,
        ...(thread ? { thread_ts: thread } : {}),
      });
      const ts = res.ts ?? '';
      const permalink = await this.permalink(place.channelId, ts);
      return {
        messageRef: ts,
        ...(thread ? { threadRef: thread } : {}),
        ...(permalink ? { link: permalink } : {}),
      };
    });
  }

  jobProgress(view: JobView): Promise<void> {
    return this.serial(view.job.id, async () => {
      if (this.finished.has(view.job.id)) return;
      await this.edit(view, {});
    });
  }

  jobCompleted(view: JobView, video: DeliveredVideo): Promise<MessageRef | undefined> {
    return this.serial(view.job.id, async () => {
      if (video.bytes > this.o.maxUploadBytes) return this.tooLarge(view, video);
      let ref: MessageRef | undefined;
      try {
        ref = await this.upload(view, video);
      } catch (err) {
        if (slackError(err) === 'file_too_large') return this.tooLarge(view, video);
        throw err;
      }
      this.markFinished(view.job.id);
      // The upload is what counts: a failed final edit must not make the engine upload again.
      // Given up after one error, the message would show the job as still running (with a
      // Cancel button) for good. The Web API client already retries HTTP failures (429, 5xx);
      // Slack's own errors (`ok: false`, e.g. internal_error) are retried here, and only those.
      const note = view.job.private
        ? `:lock: ${t(view.job.place.locale, 'job.sentDirectly')}`
        : `:arrow_down: ${t(view.job.place.locale, 'job.inThread')}`;
      await retry(() => this.edit(view, { lineage: video.lineage, note, state: 'delivered' }), {
        attempts: FINAL_EDIT_ATTEMPTS,
        delayMs: (attempt) => backoffMs(attempt, 250, 4000),
        retryable: isPlatformError,
      }).catch((err: unknown) =>
        this.o.logger.warn('slack final edit failed after upload', { job: view.job.id, err }),
      );
      return ref;
    });
  }

  jobFailed(view: JobView, error: JobError): Promise<void> {
    return this.serial(view.job.id, async () => {
      this.markFinished(view.job.id);
      await this.editOrPost(view, { error });
    });
  }

  jobCancelled(view: JobView, by: { userId: string; displayName: string }): Promise<void> {
    return this.serial(view.job.id, async () => {
      this.markFinished(view.job.id);
      await this.editOrPost(view, { cancelledBy: by });
    });
  }

  /** The result was deleted: remove the job message and the message carrying the MP4. */
  jobDeleted(view: JobView): Promise<void> {
    return this.serial(view.job.id, async () => {
      this.markFinished(view.job.id);
      const { channelId, messageRef } = view.job.place;
      const job = view.job;
      // A private job's message was ephemeral (gone by itself); its result is in the direct messages.
      const targets: [string, string | undefined][] = job.private
        ? [[await this.directChannel(job.requester.userId), job.resultMessageRef]]
        : [
            [channelId, messageRef],
            [channelId, job.resultMessageRef !== messageRef ? job.resultMessageRef : undefined],
          ];
      for (const [channel, ts] of targets) {
        if (!ts) continue;
        try {
          await this.o.client.chat.delete({ channel, ts });
        } catch (err) {
          if (!GONE.has(slackError(err) ?? '')) throw err;
        }
      }
    });
  }

  // ---- internals ----

  /** Where results go: the job message's thread, or the channel (but a job already in a thread stays there). */
  private resultThread(view: JobView): string | undefined {
    const place = view.job.place;
    if (place.threadRef) return place.threadRef;
    return this.o.resultInThread ? place.messageRef : undefined;
  }

  private async upload(view: JobView, video: DeliveredVideo): Promise<MessageRef | undefined> {
    const job = view.job;
    const { channel, thread } = await this.resultPlace(view);
    const rendered = renderResultMessage(job, video.lineage, view.offers);
    const file = await readAll(video.open());
    const common = { channel_id: channel, file, filename: video.fileName, title: job.prompt.slice(0, 200) };
    const res = await this.o.client.files.uploadV2(
      thread
        ? { ...common, thread_ts: thread, blocks: rendered.blocks }
        : { ...common, blocks: rendered.blocks },
    );
    const ts = sharedTs(res, channel);
    if (!ts) return undefined;
    const permalink = await this.permalink(channel, ts);
    return {
      messageRef: ts,
      ...(thread ? { threadRef: thread } : {}),
      ...(permalink ? { link: permalink } : {}),
    };
  }

  /** Too big for Slack: say so plainly, with a download link when the bot can share one. */
  private async tooLarge(view: JobView, video: DeliveredVideo): Promise<MessageRef | undefined> {
    const url = await video.share();
    const locale = view.job.place.locale;
    const sizes = {
      size: formatBytes(video.bytes),
      limit: formatBytes(this.o.maxUploadBytes),
      platform: 'Slack',
    };
    const how = url
      ? t(locale, 'job.tooLargeLink', { link: link(url, url) })
      : t(locale, 'job.tooLargeNoLink', { id: view.job.videoId ?? view.job.id });
    const note = `:warning: ${t(locale, 'job.tooLargeNoFrame', sizes)} ${how}`;
    const { channel, thread } = await this.resultPlace(view);
    const posted = await this.o.client.chat.postMessage({
      channel,
      text: note,
      unfurl_links: false,
      ...(thread ? { thread_ts: thread } : {}),
    });
    this.markFinished(view.job.id);
    await this.edit(view, { lineage: video.lineage, note, state: 'delivered' }).catch((err: unknown) =>
      this.o.logger.warn('slack edit failed after too-large notice', { job: view.job.id, err }),
    );
    return posted.ts ? { messageRef: posted.ts, ...(thread ? { threadRef: thread } : {}) } : undefined;
  }

  private async edit(view: JobView, extras: JobExtras): Promise<void> {
    const place = view.job.place;
    if (!place.messageRef) return;
    // A private job's message is ephemeral: Slack cannot edit it; the outcome is told anew.
    if (view.job.private) {
      if (extras.state === 'delivered') await this.privateNotice(view, extras);
      return;
    }
    const r = renderJobMessage(view, extras);
    try {
      await this.o.client.chat.update({
        channel: place.channelId,
        ts: place.messageRef,
        text: r.text,
        blocks: r.blocks,
      });
    } catch (err) {
      // Someone deleted the message or removed the bot: nothing to edit, and retrying will not help.
      if (GONE.has(slackError(err) ?? '')) {
        this.o.logger.info('slack job message is gone; not editing it', {
          job: view.job.id,
          error: slackError(err),
        });
        return;
      }
      throw err;
    }
  }

  private async editOrPost(view: JobView, extras: JobExtras): Promise<void> {
    if (view.job.private) {
      await this.privateNotice(view, extras);
      return;
    }
    if (view.job.place.messageRef) return this.edit(view, extras);
    const r = renderJobMessage(view, extras);
    await this.o.client.chat.postMessage({
      channel: view.job.place.channelId,
      text: r.text,
      blocks: r.blocks,
      ...(view.job.place.threadRef ? { thread_ts: view.job.place.threadRef } : {}),
    });
  }

  /** Where the MP4 goes: the requester's direct messages for a private job, else the channel (or thread). */
  private async resultPlace(view: JobView): Promise<{ channel: string; thread: string | undefined }> {
    if (view.job.private)
      return { channel: await this.directChannel(view.job.requester.userId), thread: undefined };
    return { channel: view.job.place.channelId, thread: this.resultThread(view) };
  }

  private async directChannel(userId: string): Promise<string> {
    const res = await this.o.client.conversations.open({ users: userId });
    const id = res.channel?.id;
    if (!id) throw new Error('slack conversations.open returned no channel');
    return id;
  }

  /** The job message of a private job, shown to the requester only (ephemeral). */
  private async privateNotice(view: JobView, extras: JobExtras): Promise<MessageRef> {
    const place = view.job.place;
    const r = renderJobMessage(view, extras);
    const thread = place.threadRef ?? place.replyTo;
    const res = await this.o.client.chat.postEphemeral({
      channel: place.channelId,
      user: view.job.requester.userId,
      text: r.text,
      blocks: r.blocks,
      ...(thread ? { thread_ts: thread } : {}),
    });
    return { messageRef: res.message_ts ?? `ephemeral-${view.job.id}` };
  }

  private async permalink(channel: string, ts: string): Promise<string | undefined> {
    if (!ts) return undefined;
    try {
      return (await this.o.client.chat.getPermalink({ channel, message_ts: ts })).permalink;
    } catch (err) {
      this.o.logger.debug('slack chat.getPermalink failed', { err });
      return undefined;
    }
  }

  private markFinished(jobId: string): void {
    if (this.finished.size > 5000) this.finished.clear();
    this.finished.add(jobId);
  }

  private serial<T>(jobId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.chains.get(jobId) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => {});
    this.chains.set(jobId, tail);
    void tail.then(() => {
      if (this.chains.get(jobId) === tail) this.chains.delete(jobId);
    });
    return run;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** The `ts` of the message the file was shared in, when Slack already reports it. */
function sharedTs(res: unknown, channel: string): string | undefined {
  const completions = (
    res as { files?: { files?: { shares?: Record<string, Record<string, { ts?: string }[]>> }[] }[] }
  ).files;
  const shares = completions?.[0]?.files?.[0]?.shares;
  return shares?.public?.[channel]?.[0]?.ts ?? shares?.private?.[channel]?.[0]?.ts;
}

/**
 * The engine's view of Discord. The job message starts as the deferred interaction reply
 * (when the interaction is still live) and is then edited with the bot token on the channel
 * message, so updates continue past the 15-minute token and across restarts.
 */
import { DiscordAPIError } from 'discord.js';
import type { JobError } from '../../engine/job.ts';
import type { DeliveredVideo, JobView, MessageRef, Surface } from '../../engine/surface.ts';
import type { Logger } from '../../log/logger.ts';
import type { InteractionOrigins } from './interaction-origins.ts';
import {
  type MessageBody,
  renderCancelled,
  renderDelivered,
  renderFailed,
  renderRunning,
} from './job-message.ts';
import type { MessageEditor, OutgoingFile } from './message-editor.ts';
import { Semaphore } from './semaphore.ts';

/** Discord's default per-file upload limit for bots (servers without boosts). */
export const DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;

/** Video uploads in flight at once; more deliveries wait, so 20 at once never open 20 files. */
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 4;

/** Discord error codes the surface reacts to. */
const CODE = {
  unknownMessage: 10008,
  unknownWebhook: 10015,
  unknownInteraction: 10062,
  tooLarge: 40005,
} as const;

export function discordCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}

const isTooLarge = (err: unknown) =>
  discordCode(err) === CODE.tooLarge || (err instanceof DiscordAPIError && err.status === 413);

export const jumpLink = (guildId: string, channelId: string, messageId: string) =>
  `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;

export interface DiscordSurfaceDeps {
  editor: MessageEditor;
  origins: InteractionOrigins;
  logger: Logger;
  /** Video uploads in flight at once. @default 4 */
  maxConcurrentUploads?: number;
}

export class DiscordSurface implements Surface {
  readonly #uploads: Semaphore;

  constructor(private readonly d: DiscordSurfaceDeps) {
    this.#uploads = new Semaphore(d.maxConcurrentUploads ?? DEFAULT_MAX_CONCURRENT_UPLOADS);
  }

  async jobAccepted(view: JobView): Promise<MessageRef> {
    const body = renderRunning(view);
    const origin = this.d.origins.claim(view.job);
    if (origin) {
      try {
        const m = await origin.reply.editOriginal(body);
        return this.#ref(view, m.id);
      } catch (err) {
        // Token expired (50027), interaction unknown (10062) or reply deleted: post in the channel.
        this.d.logger.warn('deferred reply not editable, posting a channel message', {
          job: view.job.id,
          code: discordCode(err),
        });
      }
    }
    // A later variant answers the first variant's message, so they read together.
    const replyTo = view.job.place.replyTo;
    const reply = replyTo ? { message_reference: { message_id: replyTo, fail_if_not_exists: false } } : {};
    const m = await this.d.editor.post(view.job.place.channelId, { ...body, ...reply });
    return this.#ref(view, m.id);
  }

  async jobProgress(view: JobView): Promise<void> {
    const ref = view.job.place.messageRef;
    if (!ref) return;
    try {
      await this.d.editor.edit(view.job.place.channelId, ref, renderRunning(view));
    } catch (err) {
      // A deleted job message is not worth a retry storm; the final update reposts it.
      if (discordCode(err) !== CODE.unknownMessage) throw err;
    }
  }

  async jobCompleted(view: JobView, video: DeliveredVideo): Promise<MessageRef | undefined> {
    const { job } = view;
    const limit = this.d.origins.uploadLimit(job.id) ?? DEFAULT_UPLOAD_LIMIT;
    if (video.bytes <= limit) {
      // Streamed from disk when sent (and re-read on a retry): memory does not grow with the file.
      const file: OutgoingFile = {
        name: video.fileName,
        contentType: video.contentType,
        bytes: video.bytes,
        open: () => video.open(),
      };
      try {
        const body = renderDelivered(view, { lineage: video.lineage });
        const ref = await this.#uploads.run(() => this.#put(view, body, [file]));
        this.d.origins.forgetJob(job.id);
        return ref;
      } catch (err) {
        if (!isTooLarge(err)) throw err;
        this.d.logger.info('Discord refused the video as too large, sending the thumbnail', { job: job.id });
      }
    }
    const link = await video.share();
    const tooLarge = { bytes: video.bytes, limit, ...(link ? { link } : {}) };
    const body = renderDelivered(view, { lineage: video.lineage, tooLarge });
    const files: OutgoingFile[] = video.thumbnail
      ? [
          {
            name: video.thumbnail.fileName,
            data: video.thumbnail.data,
            contentType: video.thumbnail.contentType,
          },
        ]
      : [];
    const ref = await this.#put(view, body, files);
    this.d.origins.forgetJob(job.id);
    return ref;
  }

  async jobFailed(view: JobView, error: JobError): Promise<void> {
    await this.#put(view, renderFailed(view, error), []);
    this.d.origins.forgetJob(view.job.id);
  }

  async jobCancelled(view: JobView, by: { userId: string; displayName: string }): Promise<void> {
    await this.#put(view, renderCancelled(view, by), []);
    this.d.origins.forgetJob(view.job.id);
  }

  async jobDeleted(view: JobView): Promise<void> {
    const { channelId, messageRef } = view.job.place;
    const refs = new Set([messageRef, view.job.resultMessageRef].filter((r): r is string => Boolean(r)));
    for (const ref of refs) {
      try {
        await this.d.editor.remove(channelId, ref);
      } catch (err) {
        // Someone removed it already: what was asked for is done.
        if (discordCode(err) !== CODE.unknownMessage) throw err;
      }
    }
  }

  /** Edit the job message (replacing attachments with `files`), or post a new one if it is gone. */
  async #put(view: JobView, body: MessageBody, files: OutgoingFile[]): Promise<MessageRef> {
    const { channelId, messageRef } = view.job.place;
    if (messageRef) {
      try {
        await this.d.editor.edit(channelId, messageRef, body, files);
        return this.#ref(view, messageRef);
      } catch (err) {
        if (discordCode(err) !== CODE.unknownMessage) throw err;
      }
    }
    const posted = await this.d.editor.post(channelId, body, files);
    return this.#ref(view, posted.id);
  }

  #ref(view: JobView, messageId: string): MessageRef {
    const { workspaceId, channelId } = view.job.place;
    return { messageRef: messageId, link: jumpLink(workspaceId, channelId, messageId) };
  }
}

/**
 * The engine's view of Discord. The job message starts as the deferred interaction reply
 * (when the interaction is still live) and is then edited with the bot token on the channel
 * message, so updates continue past the 15-minute token and across restarts.
 */
import type { Readable } from 'node:stream';
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

/** Discord's default per-file upload limit for bots (servers without boosts). */
export const DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;

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

async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += b.length;
    if (total > max) {
      stream.destroy();
      throw new Error(`video stream is larger than the ${max} bytes announced`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export interface DiscordSurfaceDeps {
  editor: MessageEditor;
  origins: InteractionOrigins;
  logger: Logger;
}

export class DiscordSurface implements Surface {
  constructor(private readonly d: DiscordSurfaceDeps) {}

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
    const m = await this.d.editor.post(view.job.place.channelId, body);
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
      const data = await readAll(video.open(), video.bytes + 1024);
      const file = { name: video.fileName, data, contentType: video.contentType };
      try {
        const ref = await this.#put(view, renderDelivered(view, { lineage: video.lineage }), [file]);
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

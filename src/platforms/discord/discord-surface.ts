/**
 * The engine's view of Discord. The job message starts as the deferred interaction reply
 * (when the interaction is still live) and is then edited with the bot token on the channel
 * message, so updates continue past the 15-minute token and across restarts.
 */
import { DiscordAPIError } from 'discord.js';
import pLimit, { type LimitFunction } from 'p-limit';
import type { JobError } from '../../engine/job.ts';
import type { DeliveredVideo, JobView, MessageRef, Surface } from '../../engine/surface.ts';
import type { Logger } from '../../log/logger.ts';
import { t } from './i18n.ts';
import type { InteractionOrigins, OriginReply } from './interaction-origins.ts';
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
  /** Upload turns: the others wait in arrival order; a failed upload gives its turn back. */
  readonly #uploads: LimitFunction;
  /**
   * Private jobs: the live interaction whose ephemeral reply is the job message (edited through
   * its token for 15 minutes; after that, or after a restart, only the outcome is sent, by DM).
   */
  readonly #privateReplies = new Map<string, OriginReply>();

  constructor(private readonly d: DiscordSurfaceDeps) {
    this.#uploads = pLimit(d.maxConcurrentUploads ?? DEFAULT_MAX_CONCURRENT_UPLOADS);
  }

  async jobAccepted(view: JobView): Promise<MessageRef> {
    const body = renderRunning(view);
    const origin = this.d.origins.claim(view.job);
    if (origin) {
      try {
        const m = await origin.reply.editOriginal(body);
        if (view.job.private) this.#privateReplies.set(view.job.id, origin.reply);
        return this.#ref(view, m.id);
      } catch (err) {
        // Token expired (50027), interaction unknown (10062) or reply deleted: post in the channel.
        this.d.logger.warn('deferred reply not editable, posting a channel message', {
          job: view.job.id,
          code: discordCode(err),
        });
      }
    }
    // A private job never goes to the channel: without its interaction, the requester's DM.
    if (view.job.private) return this.#dm(view, body, []);
    // A later variant answers the first variant's message, so they read together.
    const replyTo = view.job.place.replyTo;
    const reply = replyTo ? { message_reference: { message_id: replyTo, fail_if_not_exists: false } } : {};
    const m = await this.d.editor.post(view.job.place.channelId, { ...body, ...reply });
    return this.#ref(view, m.id);
  }

  async jobProgress(view: JobView): Promise<void> {
    const ref = view.job.place.messageRef;
    if (!ref) return;
    if (view.job.private) {
      await this.#privateReplies
        .get(view.job.id)
        ?.editOriginal(renderRunning(view))
        .catch(() => this.#privateReplies.delete(view.job.id)); // token gone: the outcome still comes by DM
      return;
    }
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
        const ref = await this.#uploads(() =>
          job.private ? this.#deliverPrivately(view, body, [file]) : this.#put(view, body, [file]),
        );
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
    const ref = job.private
      ? await this.#deliverPrivately(view, body, files)
      : await this.#put(view, body, files);
    this.d.origins.forgetJob(job.id);
    return ref;
  }

  async jobFailed(view: JobView, error: JobError): Promise<void> {
    if (view.job.private) await this.#tellPrivately(view, renderFailed(view, error));
    else await this.#put(view, renderFailed(view, error), []);
    this.d.origins.forgetJob(view.job.id);
  }

  async jobCancelled(view: JobView, by: { userId: string; displayName: string }): Promise<void> {
    if (view.job.private) await this.#tellPrivately(view, renderCancelled(view, by));
    else await this.#put(view, renderCancelled(view, by), []);
    this.d.origins.forgetJob(view.job.id);
  }

  async jobDeleted(view: JobView): Promise<void> {
    const { messageRef } = view.job.place;
    // A private result lives in the requester's DM (its ephemeral job message cannot be removed).
    const channelId = view.job.private
      ? await this.d.editor.openDm(view.job.requester.userId)
      : view.job.place.channelId;
    const refs = new Set(
      (view.job.private ? [view.job.resultMessageRef] : [messageRef, view.job.resultMessageRef]).filter(
        (r): r is string => Boolean(r),
      ),
    );
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

  /** The MP4 to the requester's DM; the ephemeral job message (while its token lives) says so. */
  async #deliverPrivately(view: JobView, body: MessageBody, files: OutgoingFile[]): Promise<MessageRef> {
    const ref = await this.#dm(view, body, files);
    const reply = this.#privateReplies.get(view.job.id);
    this.#privateReplies.delete(view.job.id);
    const note = t(view.job.place.locale, 'job.sentDirectly');
    await reply?.editOriginal({ ...body, content: note, components: [] }).catch(() => undefined);
    return ref;
  }

  /** A private job's outcome: in its ephemeral reply while that lives, else by DM. */
  async #tellPrivately(view: JobView, body: MessageBody): Promise<void> {
    const reply = this.#privateReplies.get(view.job.id);
    this.#privateReplies.delete(view.job.id);
    if (reply) {
      try {
        await reply.editOriginal(body);
        return;
      } catch {
        // token expired: by DM below
      }
    }
    await this.#dm(view, body, []);
  }

  async #dm(view: JobView, body: MessageBody, files: OutgoingFile[]): Promise<MessageRef> {
    const dm = await this.d.editor.openDm(view.job.requester.userId);
    const posted = await this.d.editor.post(dm, body, files);
    return { messageRef: posted.id, link: `https://discord.com/channels/@me/${dm}/${posted.id}` };
  }

  #ref(view: JobView, messageId: string): MessageRef {
    const { workspaceId, channelId } = view.job.place;
    return { messageRef: messageId, link: jumpLink(workspaceId, channelId, messageId) };
  }
}

/**
 * Channel messages through the bot token (works past the 15-minute interaction token and after
 * a restart). Edits to one message are serialised and coalesced: while one is in flight only the
 * newest waiting body is kept, so a 429 backlog never grows with superseded progress edits.
 */
import { type REST, type RequestData, Routes } from 'discord.js';
import { type MultipartPart, multipartBody } from './multipart-body.ts';

/** A file to attach: in memory (`data`), or streamed from disk (`bytes` + `open`) when sent. */
export type OutgoingFile = MultipartPart;

interface Pending {
  body: object;
  files: OutgoingFile[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Slot {
  running: boolean;
  next: Pending | undefined;
}

/** REST request options for `body`, with `files` replacing the message's attachments. */
function requestOf(body: object, files: OutgoingFile[]): RequestData {
  if (files.length === 0) return { body };
  const payload = { ...body, attachments: files.map((f, i) => ({ id: i, filename: f.name })) };
  const multipart = multipartBody(payload, files);
  return { body: multipart.body, passThroughBody: true, headers: { 'Content-Type': multipart.contentType } };
}

export class MessageEditor {
  readonly #slots = new Map<string, Slot>();
  /** Edits dropped because a newer one replaced them before they were sent. */
  superseded = 0;

  /** `rest` must send streamed bodies: built with `makeRequest: streamingMakeRequest()`. */
  constructor(private readonly rest: REST) {}

  /** Post a new message; resolves with its id. */
  async post(channelId: string, body: object, files: OutgoingFile[] = []): Promise<{ id: string }> {
    const out = (await this.rest.post(Routes.channelMessages(channelId), requestOf(body, files))) as {
      id: string;
    };
    return { id: out.id };
  }

  /** The bot's direct-message channel with `userId` (Discord returns the same one each time). */
  async openDm(userId: string): Promise<string> {
    const out = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as {
      id: string;
    };
    return out.id;
  }

  /** Delete a message (the bot's own). */
  async remove(channelId: string, messageId: string): Promise<void> {
    await this.rest.delete(Routes.channelMessage(channelId, messageId));
  }

  /**
   * Edit a message. `files` (when given) replace its attachments. Resolves when this body (or a
   * newer one that superseded it) was applied; rejects when applying this body failed.
   */
  edit(channelId: string, messageId: string, body: object, files: OutgoingFile[] = []): Promise<void> {
    let slot = this.#slots.get(messageId);
    if (!slot) {
      slot = { running: false, next: undefined };
      this.#slots.set(messageId, slot);
    }
    if (slot.next) {
      this.superseded += 1;
      slot.next.resolve();
    }
    const current = slot;
    return new Promise<void>((resolve, reject) => {
      current.next = { body, files, resolve, reject };
      if (!current.running) void this.#drain(channelId, messageId, current);
    });
  }

  async #drain(channelId: string, messageId: string, slot: Slot): Promise<void> {
    slot.running = true;
    while (slot.next) {
      const item = slot.next;
      slot.next = undefined;
      try {
        await this.rest.patch(Routes.channelMessage(channelId, messageId), requestOf(item.body, item.files));
        item.resolve();
      } catch (err) {
        item.reject(err);
      }
    }
    slot.running = false;
    if (this.#slots.get(messageId) === slot) this.#slots.delete(messageId);
  }
}

/**
 * What the fake Discord remembers: messages (with attachment bytes), interactions and their
 * responses, registered commands, and every request. Tests read it through `FakeDiscord`.
 */
import { EventEmitter } from 'node:events';
import type { FakeUser } from './fixtures.ts';

const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

/** A fresh, time-ordered snowflake id. */
export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

export interface StoredAttachment {
  id: string;
  filename: string;
  size: number;
  content_type: string;
  url: string;
  proxy_url: string;
  description?: string;
  /** The uploaded bytes (not part of the wire shape). */
  bytes: Buffer;
}

export type Json = Record<string, unknown>;

export interface StoredMessage {
  id: string;
  channel_id: string;
  guild_id: string;
  author: FakeUser;
  content: string;
  embeds: Json[];
  components: Json[];
  attachments: StoredAttachment[];
  allowed_mentions?: Json;
  flags: number;
  type: number;
  timestamp: string;
  edited_timestamp: string | null;
  message_reference?: Json;
  interaction_metadata?: Json;
  webhook_id?: string;
  application_id?: string;
  /** Ephemeral messages are only visible to this user and cannot be fetched with the bot token. */
  ephemeralFor?: string;
  /** Interaction that created it, if any. */
  interactionId?: string;
  deleted: boolean;
  /** How many times it was edited. */
  edits: number;
}

export const MESSAGE_FLAGS = { ephemeral: 64, loading: 128 } as const;

export interface CallbackRecord {
  type: number;
  data?: Json;
  files: { name: string; size: number }[];
  at: number;
}

export interface StoredInteraction {
  id: string;
  token: string;
  type: number;
  createdAt: number;
  channelId: string;
  guildId: string;
  user: FakeUser;
  attachmentSizeLimit: number;
  /** The raw payload sent on the gateway. */
  payload: Json;
  /** Initial response (callback), once given. */
  callback?: CallbackRecord;
  /** A callback that arrived too late or twice (rejected). */
  rejectedCallbacks: CallbackRecord[];
  originalMessageId?: string;
  followupIds: string[];
  /** Message a component/modal interaction came from. */
  sourceMessageId?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path after `/api/v10`, e.g. `/channels/5/messages/9`. */
  path: string;
  /** Route with ids replaced, e.g. `PATCH /channels/:id/messages/:id`. */
  route: string;
  status: number;
  body?: unknown;
  files: { name: string; size: number }[];
  auth: 'bot' | 'none' | 'invalid';
  at: number;
}

export interface CommandRecord {
  scope: 'global' | string;
  commands: Json[];
  at: number;
}

/** Shared mutable state; emits `change` whenever anything observable happens. */
export class FakeState extends EventEmitter {
  readonly messages = new Map<string, StoredMessage>();
  readonly interactions = new Map<string, StoredInteraction>();
  readonly #byToken = new Map<string, StoredInteraction>();
  readonly requests: RecordedRequest[] = [];
  readonly commandPuts: CommandRecord[] = [];
  /** Current command sets by scope (`global` or a guild id), with ids assigned. */
  readonly commands = new Map<string, Json[]>();
  /** Files users "uploaded" with slash commands (the `image` option), served like the CDN. */
  readonly cdn = new Map<string, StoredAttachment>();
  /** Direct-message channels the bot opened (`POST /users/@me/channels`), by channel id. */
  readonly dmChannels = new Map<string, { id: string; recipientId: string }>();

  /** The bot's DM channel with `userId`, opened once. */
  dmWith(userId: string): { id: string; recipientId: string } {
    for (const dm of this.dmChannels.values()) if (dm.recipientId === userId) return dm;
    const dm = { id: snowflake(), recipientId: userId };
    this.dmChannels.set(dm.id, dm);
    return dm;
  }

  attachment(id: string): StoredAttachment | undefined {
    const up = this.cdn.get(id);
    if (up) return up;
    for (const m of this.messages.values()) {
      const a = m.attachments.find((x) => x.id === id);
      if (a) return a;
    }
    return undefined;
  }

  changed(): void {
    this.emit('change');
  }

  /** Remember an interaction the fake sent (by id, and by token for the webhook routes). */
  addInteraction(i: StoredInteraction): void {
    this.interactions.set(i.id, i);
    this.#byToken.set(i.token, i);
  }

  /** A lookup per webhook request: a scan would make the fake slower with every interaction sent. */
  interactionByToken(token: string): StoredInteraction | undefined {
    return this.#byToken.get(token);
  }

  channelMessages(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId && !m.deleted);
  }
}

/** The wire shape of a stored message (what Discord returns). */
export function messageJson(m: StoredMessage): Json {
  const { ephemeralFor: _e, interactionId: _i, deleted: _d, edits: _n, attachments, ...wire } = m;
  return {
    ...wire,
    attachments: attachments.map(({ bytes: _b, ...a }) => a),
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
  };
}

/**
 * What the fake Slack remembers: workspace members, channels, messages (with threads and files),
 * ephemeral messages, open modals, trigger ids, uploaded files and every Web API call.
 * Plain data so tests can assert on it directly.
 */
import { EventEmitter } from 'node:events';

export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  isAdmin: boolean;
  isOwner: boolean;
  isBot: boolean;
  /** What users.info answers as `locale` when asked with `include_locale` (e.g. `zh-CN`). */
  locale: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  isPrivate: boolean;
}

export interface FakeFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  /** Declared at getUploadURLExternal; the real size once bytes arrived. */
  size: number;
  data?: Buffer;
  user: string;
  created: number;
  /** Set once completeUploadExternal shared it. */
  shares: { channel: string; ts: string; threadTs?: string }[];
}

/** A message as the fake shows it. `updates` counts chat.update calls that changed it. */
export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  user: string;
  botId?: string;
  text: string;
  blocks: Block[];
  files: FakeFile[];
  updates: number;
  /** Each earlier version (oldest first), so tests can see the progress history. */
  history: { text: string; blocks: Block[] }[];
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks: Block[];
  /** How it was sent: `chat.postEphemeral`, the response_url, or the ack body of a command. */
  via: 'chat.postEphemeral' | 'response_url' | 'ack';
  threadTs?: string;
  /** How many times a `replace_original` answer replaced it (a click on one of its buttons). */
  replaced?: number;
}

export interface FakeView {
  id: string;
  user: string;
  triggerId: string;
  view: Record<string, unknown>;
  /** How many times views.update replaced it. */
  updates: number;
  closed: boolean;
}

export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
  /** ms epoch when the call arrived. */
  at: number;
  ok: boolean;
  error?: string;
  status: number;
}

export interface Trigger {
  id: string;
  user: string;
  issuedAt: number;
  used: boolean;
}

/** A JSON Block Kit block as received (validated loosely by block-limits.ts). */
export type Block = Record<string, unknown>;

/** In-memory workspace state. Emits `change` after anything changes, for `waitFor`. */
export class FakeSlackState extends EventEmitter {
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  /** Messages the bot removed with chat.delete. */
  readonly deletedMessages: FakeMessage[] = [];
  readonly views = new Map<string, FakeView>();
  readonly triggers = new Map<string, Trigger>();
  readonly files = new Map<string, FakeFile>();
  readonly calls: FakeCall[] = [];
  /** Every GET of a private file URL, and whether it carried the bot token. */
  readonly fileDownloads: { fileId: string; authorized: boolean }[] = [];
  private seq = 0;
  private lastTsMicros = 0;

  /** A fresh id with a Slack-like prefix (`C`, `U`, `F`, `V`, ...). */
  nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}0${this.seq.toString(36).toUpperCase().padStart(8, '0')}`;
  }

  /** Message timestamps are unique and increasing, `seconds.micros` like Slack's. */
  nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    const s = Math.floor(micros / 1_000_000);
    return `${s}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  ensureUser(id: string, init: Partial<Omit<FakeUser, 'id'>> = {}): FakeUser {
    const existing = this.users.get(id);
    if (existing) {
      Object.assign(existing, definedOnly(init));
      return existing;
    }
    const name = init.name ?? id.toLowerCase();
    const user: FakeUser = {
      id,
      name,
      realName: init.realName ?? name,
      isAdmin: init.isAdmin ?? false,
      isOwner: init.isOwner ?? false,
      isBot: init.isBot ?? false,
      locale: init.locale ?? 'en-US',
    };
    this.users.set(id, user);
    this.changed();
    return user;
  }

  ensureChannel(id: string, init: Partial<Omit<FakeChannel, 'id'>> = {}): FakeChannel {
    const existing = this.channels.get(id);
    if (existing) return existing;
    const channel: FakeChannel = {
      id,
      name: init.name ?? id.toLowerCase(),
      isPrivate: init.isPrivate ?? false,
    };
    this.channels.set(id, channel);
    this.changed();
    return channel;
  }

  findMessage(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  issueTrigger(user: string): string {
    const id = `${Date.now()}.${this.nextId('T').toLowerCase()}`;
    this.triggers.set(id, { id, user, issuedAt: Date.now(), used: false });
    return id;
  }

  changed(): void {
    this.emit('change');
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

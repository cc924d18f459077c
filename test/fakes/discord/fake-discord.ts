/**
 * A local Discord for end-to-end tests: REST under `/api` and a gateway on the same port,
 * spoken to by the real discord.js client (`rest: { api: fake.apiUrl }`).
 *
 * ```ts
 * const fake = await FakeDiscord.start();
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
 * await client.login(fake.botToken);
 * const i = await fake.sendCommand({ name: 'video', options: { prompt: 'a cat' } });
 * ```
 *
 * With an Interactions Endpoint URL saved (`setInteractionsEndpoint`), interactions are POSTed
 * there, signed with the application's Ed25519 key (`publicKey`), instead of the gateway.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  CallbackRecord,
  Json,
  RecordedRequest,
  StoredInteraction,
  StoredMessage,
} from './fake-state.ts';
import { FakeState, MESSAGE_FLAGS, messageJson, snowflake } from './fake-state.ts';
import { defaultFixtures, type FakeUser, type Fixtures } from './fixtures.ts';
import { FakeGateway } from './gateway.ts';
import { RateLimiter, type RateLimitRule } from './http-io.ts';
import {
  type BuiltInteraction,
  type CommandSpec,
  type InteractionBase,
  InteractionBuilder,
} from './interaction-builder.ts';
import { handleCallback } from './interaction-callback.ts';
import {
  type EndpointReply,
  type InteractionSigning,
  InteractionsEndpointSender,
} from './interactions-endpoint.ts';
import { modalTextInputs } from './payload-limits.ts';
import { handleRest } from './rest-api.ts';
import type { RestContext } from './rest-context.ts';

export interface FakeDiscordOptions {
  /** Initial-response window. @default 3000 */
  ackWindowMs?: number;
  /** Interaction token lifetime. @default 900000 (15 min) */
  tokenLifetimeMs?: number;
  /** Gateway heartbeat interval sent in HELLO. @default 41250 */
  heartbeatIntervalMs?: number;
}

const DEFAULTS = {
  ackWindowMs: 3000,
  tokenLifetimeMs: 15 * 60_000,
  heartbeatIntervalMs: 41_250,
} as const satisfies Required<FakeDiscordOptions>;

/** A live interaction the fake sent; its responses can be awaited. */
export interface InteractionHandle {
  id: string;
  token: string;
  user: FakeUser;
  channelId: string;
  /** Resolves with the initial response (callback), or rejects after `timeoutMs`. */
  response(timeoutMs?: number): Promise<CallbackRecord>;
  /** The `@original` response message, if any. */
  original(): StoredMessage | undefined;
  followups(): StoredMessage[];
  /** HTTP interactions: the endpoint's answer to the POST (undefined when sent on the gateway). */
  delivered: Promise<EndpointReply | undefined>;
  /** The raw payload, for redelivering it. */
  payload: Json;
}

export class FakeDiscord {
  readonly state = new FakeState();
  readonly fixtures: Fixtures = defaultFixtures();
  readonly botToken = `MTIz.fake.${randomBytes(18).toString('base64url')}`;
  readonly options: Required<FakeDiscordOptions>;
  private readonly limiter = new RateLimiter();
  private readonly server: Server;
  private readonly gateway: FakeGateway;
  private readonly builder: InteractionBuilder;
  private readonly ctx: RestContext;
  private readonly endpoint = new InteractionsEndpointSender();
  private port = 0;

  private constructor(options: FakeDiscordOptions) {
    this.options = { ...DEFAULTS, ...options };
    this.ctx = {
      state: this.state,
      fixtures: this.fixtures,
      options: { botToken: this.botToken, ...this.options },
      limiter: this.limiter,
      origin: () => this.origin,
      gatewayUrl: () => this.gatewayUrl,
    };
    const ctx = this.ctx;
    this.gateway = new FakeGateway(
      this.state,
      this.fixtures,
      { botToken: this.botToken, heartbeatIntervalMs: this.options.heartbeatIntervalMs },
      () => this.gatewayUrl,
    );
    this.builder = new InteractionBuilder(this.state, this.fixtures, () => this.origin);
    this.server = createServer((req, res) => void this.onRequest(ctx, req, res));
    this.server.on('upgrade', (req, socket, head) => this.gateway.upgrade(req, socket, head));
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** REST base to give discord.js (`rest: { api }`) and `DISCORD_API_URL`. */
  get apiUrl(): string {
    return `${this.origin}/api`;
  }
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }
  get users() {
    return this.fixtures.users;
  }
  get channels() {
    return this.fixtures.channels;
  }
  get guildId(): string {
    return this.fixtures.guild.id;
  }
  get applicationId(): string {
    return this.fixtures.applicationId;
  }
  /** The application's Public Key (64 hex digits): `DISCORD_PUBLIC_KEY`. */
  get publicKey(): string {
    return this.endpoint.publicKey;
  }
  /**
   * Save the Interactions Endpoint URL as the Developer Portal does: it must answer a signed PING
   * with PONG and refuse a badly signed one with 401, else this throws and nothing changes.
   * From then on interactions are POSTed there instead of dispatched on the gateway.
   */
  setInteractionsEndpoint(url: string): Promise<void> {
    const ping = {
      id: snowflake(),
      application_id: this.applicationId,
      type: 1,
      token: randomBytes(24).toString('base64url'),
      version: 1,
    };
    return this.endpoint.save(url, ping);
  }
  /** Spread interactions over several instances' endpoints in turn (a load balancer). */
  balanceInteractions(urls: string[]): void {
    this.endpoint.balance(urls);
  }
  /** POST any payload to the endpoint URL, signed as chosen (tests of the app's checks). */
  postToEndpoint(payload: Json, signing?: InteractionSigning): Promise<EndpointReply> {
    return this.endpoint.post(payload, signing);
  }
  /** Gateway counters (identify, resume, heartbeat, connections, most sessions open at once). */
  get gatewayCounts() {
    return { ...this.gateway.counts, open: this.gateway.openSessions };
  }

  private async onRequest(ctx: RestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/api/')) return handleRest(ctx, req, res);
    const cdn = /^\/attachments\/[^/]+\/(\d+)\//.exec(path);
    const att = cdn ? this.state.attachment(cdn[1]!) : undefined;
    if (req.method === 'GET' && att) {
      res
        .writeHead(200, { 'content-type': att.content_type, 'content-length': att.bytes.length })
        .end(att.bytes);
      return;
    }
    res.writeHead(404).end();
  }

  // ---------- driving ----------

  /** Gateway IDENTIFYs received so far (a bot that connects adds one). */
  get identifies(): number {
    return this.gateway.counts.identify;
  }

  /** Wait until a bot client has identified and its gateway socket is open. */
  waitForBot(timeoutMs = 10_000): Promise<true> {
    return this.waitFor(
      () => this.gateway.connected || undefined,
      timeoutMs,
      'a bot to connect to the gateway',
    );
  }

  /** A user runs a slash command (it must have been registered). */
  sendCommand(spec: CommandSpec): Promise<InteractionHandle> {
    return Promise.resolve(this.deliver(this.builder.chatInput(spec)));
  }

  /** A user types into an autocomplete option; resolves with the choices the bot offered. */
  async autocomplete(spec: CommandSpec & { focused: string; value: string }): Promise<Json[]> {
    const handle = this.deliver(this.builder.chatInput(spec, { name: spec.focused, value: spec.value }));
    const cb = await handle.response();
    return ((cb.data?.choices ?? []) as Json[]).slice();
  }

  /** A user clicks a button on a message; the button must exist and be enabled. */
  clickButton(
    messageId: string,
    customId: string,
    user?: FakeUser,
    extra: InteractionBase = {},
  ): Promise<InteractionHandle> {
    const m = this.state.messages.get(messageId);
    if (!m || m.deleted) throw new Error(`fake discord: no message ${messageId}`);
    const button = m.components
      .flatMap((row) => (Array.isArray(row.components) ? (row.components as Json[]) : []))
      .find((c) => c.custom_id === customId);
    if (!button) throw new Error(`fake discord: message ${messageId} has no button ${customId}`);
    if (button.disabled) throw new Error(`fake discord: button ${customId} is disabled`);
    const built = this.builder.base(
      3,
      { ...extra, ...(user ? { user } : {}), channelId: m.channel_id },
      {
        custom_id: customId,
        component_type: 2,
      },
    );
    built.payload.message = messageJson(m);
    return Promise.resolve(this.deliver(built, m.id));
  }

  /** A user submits the modal the bot last opened for them with this custom id. */
  submitModal(spec: {
    customId: string;
    fields: Record<string, string>;
    user?: FakeUser;
    locale?: string;
  }): Promise<InteractionHandle> {
    const user = spec.user ?? this.fixtures.users.alice;
    const opener = [...this.state.interactions.values()]
      .reverse()
      .find(
        (i) =>
          i.user.id === user.id && i.callback?.type === 9 && i.callback.data?.custom_id === spec.customId,
      );
    if (!opener?.callback?.data)
      throw new Error(`fake discord: no modal ${spec.customId} was opened for ${user.username}`);
    const modal = opener.callback.data;
    const inputs = modalTextInputs(modal);
    for (const key of Object.keys(spec.fields)) {
      if (!inputs.some((x) => x.custom_id === key))
        throw new Error(`fake discord: modal has no input ${key}`);
    }
    const inputValue = (input: Json) => spec.fields[String(input.custom_id)] ?? String(input.value ?? '');
    const components = ((modal.components ?? []) as Json[]).map((row) =>
      Array.isArray(row.components)
        ? {
            type: 1,
            components: (row.components as Json[]).map((c) => ({
              type: 4,
              custom_id: c.custom_id,
              value: inputValue(c),
            })),
          }
        : {
            type: 18,
            component: {
              type: 4,
              custom_id: (row.component as Json).custom_id,
              value: inputValue(row.component as Json),
            },
          },
    );
    const built = this.builder.base(
      5,
      { user, channelId: opener.channelId, ...(spec.locale ? { locale: spec.locale } : {}) },
      { custom_id: spec.customId, components },
    );
    const source = opener.sourceMessageId ? this.state.messages.get(opener.sourceMessageId) : undefined;
    if (source) built.payload.message = messageJson(source);
    return Promise.resolve(this.deliver(built, source?.id));
  }

  private deliver(built: BuiltInteraction, sourceMessageId?: string): InteractionHandle {
    const stored: StoredInteraction = {
      id: built.id,
      token: built.token,
      type: Number(built.payload.type),
      createdAt: Date.now(),
      channelId: built.channelId,
      guildId: built.payload.guild_id ? this.fixtures.guild.id : '',
      user: built.user,
      attachmentSizeLimit: built.attachmentSizeLimit,
      payload: built.payload,
      rejectedCallbacks: [],
      followupIds: [],
      ...(sourceMessageId ? { sourceMessageId } : {}),
    };
    this.state.addInteraction(stored);
    return {
      payload: built.payload,
      delivered: this.send(stored),
      id: stored.id,
      token: stored.token,
      user: stored.user,
      channelId: stored.channelId,
      response: (timeoutMs = this.options.ackWindowMs + 2000) =>
        this.waitFor(() => stored.callback, timeoutMs, `a response to interaction ${stored.id}`),
      original: () => {
        const m = stored.originalMessageId ? this.state.messages.get(stored.originalMessageId) : undefined;
        return m && !m.deleted ? m : undefined;
      },
      followups: () => stored.followupIds.map((id) => this.state.messages.get(id)!).filter((m) => !m.deleted),
    };
  }

  /** Send an interaction again, same id and token (a replay or a second delivery). */
  redeliver(handle: InteractionHandle): Promise<EndpointReply | undefined> {
    const stored = this.state.interactions.get(handle.id);
    if (!stored) throw new Error(`fake discord: no interaction ${handle.id}`);
    return this.send(stored);
  }

  /** On the gateway, or POSTed to the endpoint URL (whose 200 answer is the initial response). */
  private send(stored: StoredInteraction): Promise<EndpointReply | undefined> {
    if (this.endpoint.url) return this.post(stored);
    // Synchronous, so "no bot connected" throws at the caller.
    this.gateway.dispatch('INTERACTION_CREATE', stored.payload);
    return Promise.resolve(undefined);
  }

  /** An endpoint that cannot be reached answers status 0. */
  private async post(stored: StoredInteraction): Promise<EndpointReply> {
    const reply = await this.endpoint
      .post(stored.payload)
      .catch((): EndpointReply => ({ status: 0, json: undefined }));
    if (reply.status === 200 && reply.json && typeof reply.json.type === 'number') {
      try {
        handleCallback(this.ctx, stored.id, stored.token, { json: reply.json, files: [] }, false);
      } catch {
        // Recorded as a rejected callback, as over REST.
      }
    }
    this.state.changed();
    return reply;
  }

  // ---------- observing ----------

  /** Resolves with the first truthy value of `probe`, re-checked on every change; rejects after `timeoutMs`. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        let v: T | undefined | null | false;
        try {
          v = probe();
        } catch (err) {
          done();
          reject(err);
          return;
        }
        if (v) {
          done();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`fake discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const poll = setInterval(check, 50);
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.state.off('change', check);
      };
      this.state.on('change', check);
      check();
    });
  }

  /** Messages in a channel, oldest first; ephemeral ones only with `includeEphemeral`. */
  messages(channelId: string, opts: { includeEphemeral?: boolean } = {}): StoredMessage[] {
    return this.state
      .channelMessages(channelId)
      .filter((m) => opts.includeEphemeral || !(m.flags & MESSAGE_FLAGS.ephemeral));
  }

  message(id: string): StoredMessage | undefined {
    return this.state.messages.get(id);
  }

  /** Everything the bot answered to one interaction. */
  interactionResponses(interactionId: string) {
    const i = this.state.interactions.get(interactionId);
    if (!i) throw new Error(`fake discord: no interaction ${interactionId}`);
    return {
      callback: i.callback,
      rejected: [...i.rejectedCallbacks],
      original: i.originalMessageId ? this.state.messages.get(i.originalMessageId) : undefined,
      followups: i.followupIds.map((id) => this.state.messages.get(id)!),
    };
  }

  /** Recorded requests, optionally only those whose route (`PATCH /channels/:id/messages/:id`) starts with `prefix`. */
  requests(prefix = ''): RecordedRequest[] {
    return this.state.requests.filter((r) => r.route.startsWith(prefix));
  }

  /** The last command set registered for `scope` (`global` or a guild id), as sent. */
  registeredCommands(scope = this.guildId): Json[] | undefined {
    return this.state.commands.get(scope);
  }

  // ---------- faults ----------

  /** Answer the next `times` requests matching `route` (`PATCH /channels`) with 429. */
  rateLimit(rule: RateLimitRule): void {
    this.limiter.add(rule);
  }
  get rateLimitsServed(): number {
    return this.limiter.served;
  }

  /** Set the guild's upload limit for bot-token uploads (and the default for new interactions). */
  setUploadLimit(bytes: number): void {
    this.fixtures.guild.uploadLimit = bytes;
  }

  /** Drop the gateway connection (resumable close); discord.js should RESUME. */
  disconnectGateway(): void {
    this.gateway.disconnect();
  }

  async close(): Promise<void> {
    this.gateway.close();
    await this.endpoint.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.state.removeAllListeners();
  }
}

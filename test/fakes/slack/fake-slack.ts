/**
 * A local fake of Slack for end-to-end tests with the real Bolt app: the Web API (at
 * `apiUrl`, for `clientOptions.slackApiUrl`), Socket Mode (`apps.connections.open` → a local
 * WebSocket) and signed HTTP delivery to an app's request URL. It keeps messages, threads,
 * files, ephemerals and modals so tests can assert what a user would see, records every call,
 * and enforces Slack's rules: acks within 3 s, single-use trigger ids that expire after 3 s,
 * text/block limits, a file size limit, and `ratelimited` on demand.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppDelivery, type Delivery, type SigningChoice } from './app-delivery.ts';
import type { FakeCall, FakeEphemeral, FakeFile, FakeMessage, FakeView } from './fake-slack-state.ts';
import { FakeSlackState } from './fake-slack-state.ts';
import { type RouteConfig, route } from './http-routes.ts';
import {
  blockActionsPayload,
  findButton,
  type InputValue,
  slashCommandPayload,
  viewStateValues,
  viewSubmissionPayload,
  type Workspace,
} from './interaction-payloads.ts';
import { SocketModeServer } from './socket-mode-server.ts';

export type { Delivery, SigningChoice } from './app-delivery.ts';
export type { FakeCall, FakeEphemeral, FakeFile, FakeMessage, FakeView } from './fake-slack-state.ts';
export type { InputValue } from './interaction-payloads.ts';

export interface FakeSlackOptions {
  /** @default 'T0FAKE' */
  teamId?: string;
  /** @default 'xoxb-fake-bot-token-0000' */
  botToken?: string;
  /** @default 'xapp-1-fake-app-token-0000' */
  appToken?: string;
  /** @default 'fake-signing-secret-0000' */
  signingSecret?: string;
  /** Slack's ack deadline. @default 3000 */
  ackTimeoutMs?: number;
  /** Slack's trigger id lifetime. @default 3000 */
  triggerTtlMs?: number;
  /** Largest file the fake accepts. @default 1 GiB */
  maxFileBytes?: number;
}

export class FakeSlack {
  /** Everything delivered to the app, oldest first. */
  get deliveries(): readonly Delivery[] {
    return this.delivery.deliveries;
  }

  readonly state = new FakeSlackState();
  readonly teamId: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly signingSecret: string;
  readonly botUserId = 'U0FAKEBOT';
  private readonly ackTimeoutMs: number;
  private readonly ws: Workspace;
  private readonly socket: SocketModeServer;
  private readonly delivery: AppDelivery;
  private readonly routes: RouteConfig;
  private httpTargets: readonly string[] = [];
  private server: Server | undefined;
  private origin = '';

  constructor(options: FakeSlackOptions = {}) {
    this.teamId = options.teamId ?? 'T0FAKE';
    this.botToken = options.botToken ?? 'xoxb-fake-bot-token-0000';
    this.appToken = options.appToken ?? 'xapp-1-fake-app-token-0000';
    this.signingSecret = options.signingSecret ?? 'fake-signing-secret-0000';
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.ws = { teamId: this.teamId, teamDomain: 'fake', appId: 'A0FAKEAPP', verificationToken: 'legacy' };
    this.socket = new SocketModeServer(this.ws.appId, ({ envelopeId, payload }) =>
      this.delivery.acked(envelopeId, payload),
    );
    this.delivery = new AppDelivery({
      state: this.state,
      socket: this.socket,
      ackTimeoutMs: this.ackTimeoutMs,
      signingSecret: this.signingSecret,
      httpTargets: () => this.httpTargets,
    });
    this.state.ensureUser(this.botUserId, { name: 'reelbot', isBot: true });
    this.routes = {
      api: {
        state: this.state,
        ws: this.ws,
        origin: '',
        botUserId: this.botUserId,
        botId: 'B0FAKEBOT',
        triggerTtlMs: options.triggerTtlMs ?? 3000,
        maxFileBytes: options.maxFileBytes ?? 1024 ** 3,
        openSocketUrl: () => this.socket.ticketUrl(this.origin),
      },
      botToken: this.botToken,
      appToken: this.appToken,
      rateLimits: new Map(),
      failures: new Map(),
      responseUrls: new Map(),
    };
  }

  /** Listen on 127.0.0.1, a free port. */
  async start(): Promise<this> {
    const server = createServer((req, res) => {
      route(this.routes, req, res)
        .then((handled) => {
          if (!handled) {
            res.writeHead(404);
            res.end();
          }
        })
        .catch((err: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        });
    });
    server.on('upgrade', (req, socket, head) => this.socket.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.routes.api.origin = this.origin;
    return this;
  }

  /** Base URL of the fake's Web API, for `SLACK_API_URL`. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  get url(): string {
    return this.origin;
  }

  // ---- workspace setup ----

  addUser(user: {
    id: string;
    name?: string;
    realName?: string;
    isAdmin?: boolean;
    isOwner?: boolean;
    /** Slack client language, answered by users.info with `include_locale`. @default 'en-US' */
    locale?: string;
  }) {
    const { id, ...rest } = user;
    return this.state.ensureUser(id, rest);
  }

  addChannel(channel: { id: string; name?: string; isPrivate?: boolean }) {
    const { id, ...rest } = channel;
    return this.state.ensureChannel(id, rest);
  }

  /** A file a user uploaded (e.g. through a modal's file input); the app fetches it via files.info. */
  addFile(file: { name: string; mimetype: string; data: Buffer; user: string }): FakeFile {
    const f: FakeFile = {
      id: this.state.nextId('F'),
      name: file.name,
      title: file.name,
      mimetype: file.mimetype,
      size: file.data.length,
      data: file.data,
      user: file.user,
      created: Math.floor(Date.now() / 1000),
      shares: [],
    };
    this.state.files.set(f.id, f);
    return f;
  }

  // ---- delivery mode ----

  /**
   * Deliver to the app's request URL (HTTP mode, signed) instead of over Socket Mode. Several
   * URLs stand for instances behind a load balancer: deliveries take turns.
   */
  useHttp(requestUrl: string | readonly string[]): void {
    this.httpTargets = typeof requestUrl === 'string' ? [requestUrl] : [...requestUrl];
  }

  useSocketMode(): void {
    this.httpTargets = [];
  }

  /** Slack sends `first` again (it thinks the delivery failed): see {@link AppDelivery.retry}. */
  retry(first: Delivery, signing?: SigningChoice): Promise<Delivery> {
    return this.delivery.retry(first, signing);
  }

  // ---- what users do ----

  /** A user runs a slash command. Resolves once the app acked or the ack deadline passed. */
  slashCommand(
    args: { command: string; text?: string; user: string; channel: string },
    signing?: SigningChoice,
  ): Promise<Delivery> {
    const triggerId = this.state.issueTrigger(args.user);
    const payload = slashCommandPayload(this.ws, this.state, {
      command: args.command,
      text: args.text ?? '',
      user: args.user,
      channel: args.channel,
      triggerId,
      responseUrl: this.responseUrl(args.channel, args.user),
    });
    return this.delivery.deliver('slash_commands', payload, triggerId, signing);
  }

  /** A user clicks the button `actionId` on a message the bot posted. */
  clickButton(args: { channel: string; ts: string; actionId: string; user: string }): Promise<Delivery> {
    const message = this.state.findMessage(args.channel, args.ts);
    if (!message) throw new Error(`no message ${args.ts} in ${args.channel}`);
    const button = findButton(message, args.actionId);
    if (!button) throw new Error(`message ${args.ts} has no button ${args.actionId}`);
    const triggerId = this.state.issueTrigger(args.user);
    const payload = blockActionsPayload(this.ws, this.state, {
      user: args.user,
      message,
      blockId: button.blockId,
      element: button.element,
      triggerId,
      responseUrl: this.responseUrl(args.channel, args.user),
    });
    return this.delivery.deliver('interactive', payload, triggerId);
  }

  /**
   * A user clicks the button `actionId` on an ephemeral message the bot showed them (a private
   * answer). An answer with `replace_original` through the click's response_url replaces it.
   */
  clickEphemeralButton(args: { ephemeral: FakeEphemeral; actionId: string }): Promise<Delivery> {
    const e = args.ephemeral;
    const message: FakeMessage = {
      channel: e.channel,
      ts: this.state.nextTs(),
      user: this.botUserId,
      text: e.text,
      blocks: e.blocks,
      files: [],
      updates: 0,
      history: [],
    };
    const button = findButton(message, args.actionId);
    if (!button) throw new Error(`the ephemeral message has no button ${args.actionId}`);
    const triggerId = this.state.issueTrigger(e.user);
    const responseUrl = this.responseUrl(e.channel, e.user);
    const target = this.routes.responseUrls.get(responseUrl.slice(responseUrl.lastIndexOf('/') + 1));
    if (target) target.ephemeral = e;
    const payload = blockActionsPayload(this.ws, this.state, {
      user: e.user,
      message,
      blockId: button.blockId,
      element: button.element,
      triggerId,
      responseUrl,
    });
    (payload.container as Record<string, unknown>).is_ephemeral = true;
    return this.delivery.deliver('interactive', payload, triggerId);
  }

  /**
   * A user submits an open modal with `values` keyed by input `action_id` (text, a select's
   * option value, or `{ files }` for a file input). Inputs not given are sent empty.
   */
  submitView(args: {
    callbackId?: string;
    viewId?: string;
    user?: string;
    values: Record<string, InputValue>;
  }): Promise<Delivery> {
    const view = [...this.state.views.values()]
      .reverse()
      .find(
        (v) =>
          !v.closed &&
          (args.viewId === undefined || v.id === args.viewId) &&
          (args.callbackId === undefined || v.view.callback_id === args.callbackId) &&
          (args.user === undefined || v.user === args.user),
      );
    if (!view) throw new Error(`no open modal ${args.callbackId ?? args.viewId ?? ''}`);
    const user = args.user ?? view.user;
    const triggerId = this.state.issueTrigger(user);
    const values = viewStateValues(view, args.values, this.origin);
    const payload = viewSubmissionPayload(this.ws, this.state, { view, user, values, triggerId });
    return this.delivery.deliver('interactive', payload, triggerId).then((d) => {
      this.afterSubmission(view, d);
      return d;
    });
  }

  // ---- what tests look at ----

  /** Messages the bot removed with chat.delete, oldest first. */
  deletedMessages(channel: string): FakeMessage[] {
    return this.state.deletedMessages.filter((m) => m.channel === channel);
  }

  /** Every message in `channel` (top level and thread replies), oldest first. */
  messages(channel: string): FakeMessage[] {
    return this.state.messages.filter((m) => m.channel === channel);
  }

  /** A thread: its root, then its replies. */
  thread(channel: string, rootTs: string): FakeMessage[] {
    return this.messages(channel).filter((m) => m.ts === rootTs || m.threadTs === rootTs);
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.state.findMessage(channel, ts);
  }

  ephemerals(filter: { channel?: string; user?: string } = {}): FakeEphemeral[] {
    return this.state.ephemerals.filter(
      (e) =>
        (filter.channel === undefined || e.channel === filter.channel) &&
        (filter.user === undefined || e.user === filter.user),
    );
  }

  views(callbackId?: string): FakeView[] {
    return [...this.state.views.values()].filter(
      (v) => callbackId === undefined || v.view.callback_id === callbackId,
    );
  }

  get calls(): readonly FakeCall[] {
    return this.state.calls;
  }

  callsTo(method: string): FakeCall[] {
    return this.state.calls.filter((c) => c.method === method);
  }

  /**
   * Resolve with `pred()`'s first truthy value (`pred` may be async); reject after `timeoutMs`
   * naming `what`. Re-checked on every change of the fake and every 50 ms.
   */
  waitFor<T>(
    pred: () => T | undefined | null | false | Promise<T | undefined | null | false>,
    timeoutMs = 10_000,
    what = 'condition',
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      let busy = false;
      let over = false;
      const check = () => {
        if (busy || over) return;
        busy = true;
        Promise.resolve()
          .then(pred)
          .then(
            (v) => {
              busy = false;
              if (v) finish(() => resolve(v));
            },
            (err: unknown) => finish(() => reject(err)),
          );
      };
      const finish = (f: () => void) => {
        if (over) return;
        over = true;
        clearTimeout(timer);
        clearInterval(poll);
        this.state.off('change', check);
        f();
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`fake Slack: ${what} not reached within ${timeoutMs} ms`))),
        timeoutMs,
      );
      // Some conditions depend on time or on the app's own state; poll as well as listening for changes.
      const poll = setInterval(check, 50);
      this.state.on('change', check);
      check();
    });
  }

  // ---- faults ----

  /** The next `times` calls of `method` answer HTTP 429 `ratelimited` with `Retry-After: retryAfter`. */
  rateLimit(args: { method: string; times: number; retryAfter?: number }): void {
    this.routes.rateLimits.set(args.method, { times: args.times, retryAfter: args.retryAfter ?? 1 });
  }

  /** The next `times` calls of `method` answer `{ok:false, error}`. */
  failNext(args: { method: string; error: string; times?: number }): void {
    this.routes.failures.set(args.method, { times: args.times ?? 1, error: args.error });
  }

  /** Ask the app's Socket Mode client to reconnect (`type: disconnect`). */
  dropSocket(): void {
    this.socket.requestReconnect();
  }

  /** Cut Socket Mode connections without warning. */
  killSocket(): void {
    this.socket.terminateAll();
  }

  /** Socket Mode connections open now. */
  get openSocketConnections(): number {
    return this.socket.connected;
  }

  /** Socket Mode connections accepted so far (a reconnect adds one). */
  get socketConnectionsOpened(): number {
    return this.socket.connectionsOpened;
  }

  waitForSocket(timeoutMs = 10_000): Promise<void> {
    return this.socket.waitForConnection(timeoutMs);
  }

  async close(): Promise<void> {
    this.delivery.abandon();
    await this.socket.close();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- internals ----

  private responseUrl(channel: string, user: string): string {
    const id = randomUUID();
    this.routes.responseUrls.set(id, { channel, user, uses: 0, expiresAt: Date.now() + 30 * 60_000 });
    return `${this.origin}/respond/${id}`;
  }

  private afterSubmission(view: FakeView, d: Delivery): void {
    if (!d.ackedInTime) return;
    const action = d.ackPayload?.response_action;
    if (action === 'errors') return;
    if (action === 'update' && typeof d.ackPayload?.view === 'object' && d.ackPayload.view !== null) {
      view.view = d.ackPayload.view as Record<string, unknown>;
      view.updates += 1;
      return;
    }
    view.closed = true;
    this.state.changed();
  }
}

/** Start a fake Slack on 127.0.0.1 (free port). */
export function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  return new FakeSlack(options).start();
}

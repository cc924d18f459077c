/**
 * The fake Discord gateway (JSON encoding, no compression): HELLO, IDENTIFY → READY + GUILD_CREATE,
 * heartbeats, RESUME with replay of missed events, and dispatches pushed by tests.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeState, Json } from './fake-state.ts';
import type { Fixtures } from './fixtures.ts';

export const OP = {
  dispatch: 0,
  heartbeat: 1,
  identify: 2,
  resume: 6,
  reconnect: 7,
  invalidSession: 9,
  hello: 10,
  heartbeatAck: 11,
} as const;

interface Session {
  id: string;
  seq: number;
  socket?: WebSocket | undefined;
  /** Dispatches sent while no socket was attached, or after the client's last seen seq. */
  history: { s: number; t: string; d: unknown }[];
}

export interface GatewayOptions {
  botToken: string;
  heartbeatIntervalMs: number;
}

export class FakeGateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private current: Session | undefined;
  /** Counts for tests: identifies, resumes, heartbeats; `maxOpen`: most sessions open at once. */
  readonly counts = { identify: 0, resume: 0, heartbeat: 0, connections: 0, maxOpen: 0 };

  constructor(
    private readonly state: FakeState,
    private readonly fixtures: Fixtures,
    private readonly options: GatewayOptions,
    private readonly resumeUrl: () => string,
  ) {
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** True when a client has identified (or resumed) and its socket is open. */
  get connected(): boolean {
    return this.current?.socket?.readyState === 1;
  }

  /** Identified sessions whose socket is open now. */
  get openSessions(): number {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === 1).length;
  }

  /** Send a dispatch event to the connected session (kept for replay if the socket is down). */
  dispatch(t: string, d: unknown): void {
    const s = this.current;
    if (!s) throw new Error('fake gateway: no identified session to dispatch to');
    s.seq += 1;
    const frame = { op: OP.dispatch, s: s.seq, t, d };
    s.history.push({ s: s.seq, t, d });
    if (s.history.length > 500) s.history.shift();
    if (s.socket?.readyState === 1) s.socket.send(JSON.stringify(frame));
  }

  /** Drop the connection as a network failure would (close code 4000: resumable). */
  disconnect(code = 4000): void {
    const ws = this.current?.socket;
    if (this.current) this.current.socket = undefined;
    ws?.close(code, 'fake gateway disconnect');
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private onConnection(ws: WebSocket): void {
    this.counts.connections += 1;
    send(ws, { op: OP.hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
    ws.on('message', (raw) => {
      let frame: { op: number; d: unknown };
      try {
        frame = JSON.parse(String(raw)) as { op: number; d: unknown };
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      this.onFrame(ws, frame);
    });
  }

  private onFrame(ws: WebSocket, frame: { op: number; d: unknown }): void {
    switch (frame.op) {
      case OP.heartbeat:
        this.counts.heartbeat += 1;
        send(ws, { op: OP.heartbeatAck });
        return;
      case OP.identify:
        this.identify(ws, frame.d as Json);
        return;
      case OP.resume:
        this.resume(ws, frame.d as Json);
        return;
      default:
        // Presence and voice updates are accepted and ignored.
        return;
    }
  }

  private identify(ws: WebSocket, d: Json): void {
    if (d.token !== this.options.botToken) {
      ws.close(4004, 'Authentication failed.');
      return;
    }
    this.counts.identify += 1;
    const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, socket: ws, history: [] };
    this.sessions.set(session.id, session);
    this.current = session;
    this.counts.maxOpen = Math.max(this.counts.maxOpen, this.openSessions);
    const { fixtures } = this;
    this.dispatch('READY', {
      v: 10,
      user: fixtures.bot,
      guilds: [{ id: fixtures.guild.id, unavailable: true }],
      session_id: session.id,
      resume_gateway_url: this.resumeUrl(),
      shard: [0, 1],
      application: { id: fixtures.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      user_settings: {},
    });
    this.dispatch('GUILD_CREATE', guildCreate(fixtures));
    this.state.changed();
  }

  private resume(ws: WebSocket, d: Json): void {
    const session = this.sessions.get(String(d.session_id));
    if (!session || d.token !== this.options.botToken) {
      send(ws, { op: OP.invalidSession, d: false });
      return;
    }
    this.counts.resume += 1;
    session.socket = ws;
    this.current = session;
    const after = Number(d.seq ?? 0);
    for (const e of session.history) {
      if (e.s > after) send(ws, { op: OP.dispatch, s: e.s, t: e.t, d: e.d });
    }
    session.seq += 1;
    send(ws, { op: OP.dispatch, s: session.seq, t: 'RESUMED', d: {} });
    this.state.changed();
  }
}

function send(ws: WebSocket, frame: Json): void {
  if (ws.readyState === 1) ws.send(JSON.stringify(frame));
}

function guildCreate(f: Fixtures): Json {
  const g = f.guild;
  return {
    id: g.id,
    name: g.name,
    icon: null,
    owner_id: g.owner_id,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    features: [],
    mfa_level: 0,
    premium_tier: 0,
    preferred_locale: g.preferred_locale,
    system_channel_flags: 0,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: new Date(0).toISOString(),
    large: false,
    unavailable: false,
    member_count: g.members.length,
    roles: g.roles,
    emojis: [],
    stickers: [],
    channels: g.channels,
    threads: [],
    members: g.members.map((m) => ({
      user: m.user,
      roles: m.roles,
      nick: m.nick,
      joined_at: m.joined_at,
      deaf: false,
      mute: false,
      flags: 0,
    })),
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

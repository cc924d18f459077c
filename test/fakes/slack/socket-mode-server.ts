/**
 * The Socket Mode side of the fake: `apps.connections.open` hands out a single-use WebSocket URL;
 * the connection gets `hello`, then envelopes (`{envelope_id, type, payload, accepts_response_payload}`)
 * and answers each with an ack `{envelope_id, payload?}`. `disconnect` asks the client to reconnect,
 * as Slack does when it recycles a connection. With several connections open (several app
 * instances, or one reconnecting), each envelope goes to one of them, in turn, as Slack does;
 * connections asked to reconnect get no new envelopes while another is open.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

export interface SocketAck {
  envelopeId: string;
  payload: Record<string, unknown> | undefined;
}

export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly open: WebSocket[] = [];
  private readonly waiters = new Set<() => void>();
  /** Connection number (1, 2, ... in the order accepted) of each socket. */
  private readonly numbers = new WeakMap<WebSocket, number>();
  private readonly draining = new WeakSet<WebSocket>();
  private turn = 0;
  /** Connections accepted so far (reconnects count). */
  connectionsOpened = 0;

  constructor(
    private readonly appId: string,
    private readonly onAck: (ack: SocketAck) => void,
  ) {}

  /** A fresh single-use URL, as `apps.connections.open` returns. */
  ticketUrl(origin: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${origin.replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  get connected(): number {
    return this.open.length;
  }

  /** Route an HTTP upgrade; refuses unknown or reused tickets like Slack does. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.connectionsOpened += 1;
    this.numbers.set(ws, this.connectionsOpened);
    this.open.push(ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg: { envelope_id?: unknown; payload?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return;
      }
      if (typeof msg.envelope_id !== 'string') return;
      const payload =
        typeof msg.payload === 'object' && msg.payload !== null
          ? (msg.payload as Record<string, unknown>)
          : undefined;
      this.onAck({ envelopeId: msg.envelope_id, payload });
    });
    const forget = () => {
      const i = this.open.indexOf(ws);
      if (i >= 0) this.open.splice(i, 1);
    };
    ws.on('close', forget);
    ws.on('error', forget);
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.open.length,
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    for (const w of this.waiters) w();
  }

  /**
   * Send an envelope on one open connection, taking turns (never `avoid`, a connection number,
   * while another is open). Resolves the connection number used; undefined when none is open.
   */
  send(envelope: Record<string, unknown>, avoid?: number): number | undefined {
    const live = this.open.filter((ws) => ws.readyState === WebSocket.OPEN);
    const fresh = live.filter((ws) => !this.draining.has(ws));
    let choice = fresh.length > 0 ? fresh : live;
    const others = choice.filter((ws) => this.numbers.get(ws) !== avoid);
    if (others.length > 0) choice = others;
    const ws = choice[this.turn++ % Math.max(1, choice.length)];
    if (!ws) return undefined;
    ws.send(JSON.stringify(envelope));
    return this.numbers.get(ws);
  }

  /** Resolve once at least one connection is open, or reject after `timeoutMs`. */
  waitForConnection(timeoutMs: number): Promise<void> {
    if (this.open.length > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new Error(`no Socket Mode connection within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Ask every client to reconnect (`type: disconnect`), as Slack does before recycling a host. */
  requestReconnect(reason = 'refresh_requested'): void {
    for (const ws of this.open) {
      this.draining.add(ws);
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
    }
  }

  /** Cut every connection without a goodbye (network loss). */
  terminateAll(): void {
    for (const ws of [...this.open]) ws.terminate();
    this.open.length = 0;
  }

  close(): Promise<void> {
    this.terminateAll();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

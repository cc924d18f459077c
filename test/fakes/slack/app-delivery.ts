/**
 * How the fake hands the app what users do: over Socket Mode (an envelope per event, answered
 * by an ack on the same WebSocket) or, in HTTP mode, as a signed form POST to the app's
 * request URL (answered by the HTTP response). Either way the ack is timed against Slack's
 * 3 s deadline and its payload applied as Slack would (a command's answer, a modal's errors).
 * `retry` sends a delivery again as Slack does when it thinks the first failed: the same
 * envelope id (with `retry_attempt`) on another connection, or the same body with
 * `X-Slack-Retry-Num` to the next request URL behind the load balancer.
 */
import { randomUUID } from 'node:crypto';
import type { FakeSlackState } from './fake-slack-state.ts';
import { signSlackRequest } from './request-signing.ts';
import type { SocketModeServer } from './socket-mode-server.ts';

/** One thing Slack sent the app, and how the app answered. */
export interface Delivery {
  id: string;
  kind: 'slash_commands' | 'interactive';
  via: 'socket' | 'http';
  payload: Record<string, unknown>;
  triggerId: string | undefined;
  sentAt: number;
  acked: boolean;
  ackedAt?: number;
  ackPayload?: Record<string, unknown>;
  /** HTTP mode: the status the app answered with. */
  httpStatus?: number;
  /** Acked within the deadline: what Slack requires, else the user sees a failure. */
  ackedInTime: boolean;
  /** Why Slack would count this as failed. */
  failure?: string;
  /** 0 for the first delivery, 1, 2, ... for retries of it. */
  retryNum: number;
  /** Socket Mode: the number of the connection it was sent on. */
  connection?: number;
  /** HTTP mode: the request URL it was POSTed to. */
  target?: string;
}

/** How an HTTP delivery is signed (tests of the app's signature checks). */
export interface SigningChoice {
  /** `bad`: signed with the wrong secret; `none`: no signature headers. @default 'good' */
  signature?: 'good' | 'bad' | 'none';
  /** Pretend the request was signed at this moment (seconds), e.g. to replay an old one. */
  timestampSec?: number;
}

export interface AppDeliveryOptions {
  state: FakeSlackState;
  socket: SocketModeServer;
  ackTimeoutMs: number;
  signingSecret: string;
  /** The app's request URLs in HTTP mode (several: a load balancer, taking turns); none: Socket Mode. */
  httpTargets: () => readonly string[];
}

export class AppDelivery {
  readonly deliveries: Delivery[] = [];
  private readonly pending = new Map<string, (payload: Record<string, unknown> | undefined) => void>();
  private turn = 0;

  constructor(private readonly o: AppDeliveryOptions) {}

  /** An ack arrived on the socket for `envelopeId`. */
  acked(envelopeId: string, payload: Record<string, unknown> | undefined): void {
    this.pending.get(envelopeId)?.(payload);
  }

  /** Settle everything still waiting (closing). */
  abandon(): void {
    for (const resolve of this.pending.values()) resolve(undefined);
  }

  /** Send one event; resolves once acked or once the ack deadline passed (a late ack is still recorded). */
  deliver(
    kind: Delivery['kind'],
    payload: Record<string, unknown>,
    triggerId: string | undefined,
    signing?: SigningChoice,
  ): Promise<Delivery> {
    return this.send(this.record(randomUUID(), kind, payload, triggerId, 0), signing);
  }

  /** Send `first` again, as a retry (same envelope id / body), somewhere else when possible. */
  retry(first: Delivery, signing?: SigningChoice): Promise<Delivery> {
    const d = this.record(first.id, first.kind, first.payload, first.triggerId, first.retryNum + 1);
    return this.send(d, signing, first.connection);
  }

  private record(
    id: string,
    kind: Delivery['kind'],
    payload: Record<string, unknown>,
    triggerId: string | undefined,
    retryNum: number,
  ): Delivery {
    const d: Delivery = {
      id,
      kind,
      via: this.o.httpTargets().length > 0 ? 'http' : 'socket',
      payload,
      triggerId,
      sentAt: 0,
      acked: false,
      ackedInTime: false,
      retryNum,
    };
    this.deliveries.push(d);
    return d;
  }

  private send(d: Delivery, signing?: SigningChoice, avoidConnection?: number): Promise<Delivery> {
    const { kind, payload } = d;
    return new Promise<Delivery>((resolve) => {
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        this.o.state.changed();
        resolve(d);
      };
      const onAck = (ackPayload: Record<string, unknown> | undefined, status?: number) => {
        if (d.acked || d.failure?.startsWith('http_')) return;
        if (status !== undefined) d.httpStatus = status;
        if (status !== undefined && status !== 200) {
          d.failure = `http_${status}`;
          return settle();
        }
        d.acked = true;
        d.ackedAt = Date.now();
        if (ackPayload && Object.keys(ackPayload).length > 0) d.ackPayload = ackPayload;
        d.ackedInTime = d.ackedAt - d.sentAt <= this.o.ackTimeoutMs;
        if (!d.ackedInTime) d.failure = 'late_ack';
        else this.applyAck(d);
        settle();
      };
      let deadline: NodeJS.Timeout | undefined;
      // Settle a little after the deadline so an ack racing it is still seen (and judged late or not).
      const begin = () => {
        d.sentAt = Date.now();
        deadline = setTimeout(() => {
          if (!d.acked && !d.failure) d.failure = 'no_ack';
          settle();
        }, this.o.ackTimeoutMs + 250);
      };
      if (d.via === 'http') {
        begin();
        this.postToApp(d, signing).then(
          ({ status, body }) => onAck(body, status),
          (err: unknown) => {
            d.failure = `http_error: ${String(err)}`;
            settle();
          },
        );
        return;
      }
      this.o.socket.waitForConnection(10_000).then(
        () => {
          this.pending.set(d.id, (p) => {
            this.pending.delete(d.id);
            onAck(p);
          });
          const accepts = kind === 'slash_commands' || payload.type === 'view_submission';
          begin();
          const retry = d.retryNum > 0 ? { retry_attempt: d.retryNum, retry_reason: 'timeout' } : {};
          const envelope = {
            envelope_id: d.id,
            type: kind,
            payload,
            accepts_response_payload: accepts,
            ...retry,
          };
          const connection = this.o.socket.send(envelope, avoidConnection);
          if (connection !== undefined) d.connection = connection;
        },
        () => {
          d.failure = 'no_connection';
          settle();
        },
      );
    });
  }

  /** POST a delivery to the app's request URL the way Slack does (form-encoded, signed). */
  private async postToApp(
    d: Delivery,
    signing: SigningChoice = {},
  ): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
    const body =
      d.kind === 'slash_commands'
        ? new URLSearchParams(d.payload as Record<string, string>).toString()
        : new URLSearchParams({ payload: JSON.stringify(d.payload) }).toString();
    const secret = signing.signature === 'bad' ? `${this.o.signingSecret}-wrong` : this.o.signingSecret;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (signing.signature !== 'none')
      Object.assign(headers, signSlackRequest(body, secret, signing.timestampSec));
    if (d.retryNum > 0) {
      headers['x-slack-retry-num'] = String(d.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const targets = this.o.httpTargets();
    d.target = targets[this.turn++ % targets.length] ?? '';
    const res = await fetch(d.target, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed };
  }

  /** What Slack does with an ack's payload: show a command's answer, keep or close a modal. */
  private applyAck(d: Delivery): void {
    const p = d.ackPayload;
    if (d.kind === 'slash_commands' && p && (typeof p.text === 'string' || Array.isArray(p.blocks))) {
      this.o.state.ephemerals.push({
        channel: String(d.payload.channel_id),
        user: String(d.payload.user_id),
        text: typeof p.text === 'string' ? p.text : '',
        blocks: Array.isArray(p.blocks) ? (p.blocks as Record<string, unknown>[]) : [],
        via: 'ack',
      });
    }
  }
}

/**
 * A local HTTP proxy put between a bot and a fake chat platform's REST API that answers chosen
 * requests with an injected error (5xx, 429) instead of forwarding them. Everything else is
 * forwarded unchanged. Used where the fakes themselves have no such knob.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChaosRule {
  /** `METHOD /path-prefix` matched against the request line, e.g. `PATCH /api/v10/channels`. */
  route: string;
  status: number;
  times: number;
  /** Sent as `Retry-After` (seconds). */
  retryAfter?: number;
  /** Body sent (JSON). @default `{ message: 'injected fault', code: 0 }` */
  body?: Record<string, unknown>;
}

export class ChaosProxy {
  readonly #rules: Array<ChaosRule & { left: number }> = [];
  /** Request lines seen, with the injected status if any. */
  readonly seen: Array<{ line: string; injected?: number }> = [];
  #server: Server | undefined;
  #origin = '';

  private constructor(private readonly target: URL) {}

  /** Proxy to `targetOrigin` (`http://127.0.0.1:port`). */
  static async start(targetOrigin: string): Promise<ChaosProxy> {
    const p = new ChaosProxy(new URL(targetOrigin));
    const server = createServer((req, res) => p.#handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    p.#server = server;
    p.#origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return p;
  }

  get origin(): string {
    return this.#origin;
  }

  inject(rule: ChaosRule): void {
    this.#rules.push({ ...rule, left: rule.times });
  }

  /** Injected answers served so far. */
  get injected(): number {
    return this.seen.filter((s) => s.injected !== undefined).length;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const line = `${req.method} ${req.url}`;
    const rule = this.#rules.find((r) => r.left > 0 && line.startsWith(r.route));
    if (rule) {
      rule.left -= 1;
      this.seen.push({ line, injected: rule.status });
      req.resume();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter);
      res
        .writeHead(rule.status, headers)
        .end(JSON.stringify(rule.body ?? { message: 'injected fault', code: 0 }));
      return;
    }
    this.seen.push({ line });
    const upstream = request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.target.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    const s = this.#server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}

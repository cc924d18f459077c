/**
 * A hostile upstream for the secrets test: a proxy in front of the simulator that, for armed
 * requests, answers an error whose body, headers and message echo the caller's Authorization
 * header back — what a badly written gateway does. Everything else is passed through.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ArmedEcho {
  method: string;
  /** Matches the request path (without query). */
  path: RegExp;
  status: number;
  times: number;
}

export interface LeakyUpstream {
  /** Base URL with `/v1`, for `VIDEO_API_BASE_URL`. */
  readonly url: string;
  arm(echo: ArmedEcho): void;
  /** Forget every armed echo. */
  disarm(): void;
  /** Echo answers sent so far. */
  readonly echoed: number;
  /** The Authorization header the last echo sent back (proves the secret was in the answer). */
  readonly lastEchoedAuthorization: string;
  close(): Promise<void>;
}

export async function startLeakyUpstream(simOrigin: string): Promise<LeakyUpstream> {
  const armed: ArmedEcho[] = [];
  let echoed = 0;
  let lastAuth = '';
  const target = new URL(simOrigin);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const hit = armed.find((a) => a.times > 0 && a.method === req.method && a.path.test(path));
    if (hit) {
      hit.times -= 1;
      echoed += 1;
      const auth = req.headers.authorization ?? '';
      lastAuth = auth;
      req.resume();
      const body = {
        error: {
          message: `request with Authorization: ${auth} was refused (key ${auth.replace(/^Bearer /, '')})`,
          type: hit.status === 401 ? 'invalid_request_error' : 'server_error',
          code: hit.status === 401 ? 'invalid_api_key' : null,
          debug: { headers: req.headers },
        },
      };
      res.writeHead(hit.status, {
        'content-type': 'application/json',
        'x-echo-authorization': auth,
        'www-authenticate': `Bearer realm="${auth}"`,
      });
      res.end(JSON.stringify(body));
      return;
    }
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    arm: (echo) => armed.push({ ...echo }),
    disarm: () => {
      armed.length = 0;
    },
    get echoed() {
      return echoed;
    },
    get lastEchoedAuthorization() {
      return lastAuth;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Faults injected on demand: tests and the benchmark arm one, the next matching
 * request(s) suffer it, then the simulator behaves normally again.
 */

/** Route names that faults and stats use. */
export const SIM_ROUTES = [
  'create',
  'retrieve',
  'list',
  'delete',
  'remix',
  'content',
  'asset',
  'edit',
  'extend',
  'create-character',
  'retrieve-character',
] as const;
export type SimRoute = (typeof SIM_ROUTES)[number];

export type FaultAction =
  /** Answer this HTTP status with the dialect's error body (429, 500, 502, 503, 408, ...). */
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  /** Wait, then answer normally. */
  | { kind: 'delay'; ms: number }
  /** Never answer; the socket stays open until the client gives up (or the simulator closes). */
  | { kind: 'hang' }
  /** 200 with a JSON content type and a body that does not parse. */
  | { kind: 'malformed-json' }
  /** Declare the full Content-Length, send only `afterBytes`, then destroy the socket. */
  | { kind: 'truncate'; afterBytes: number }
  /** Destroy the socket at once, no answer. */
  | { kind: 'reset' };

export type Fault = FaultAction & {
  /** Which route it hits. */
  route: SimRoute | 'any';
  /** How many requests it hits. @default 1 (Infinity = until cleared) */
  times?: number;
  /** Only requests about this video. @default any video */
  videoId?: string;
};

interface ArmedFault {
  fault: Fault;
  left: number;
}

export class FaultController {
  readonly #armed: ArmedFault[] = [];

  /** Arm a fault; faults are used in the order they were armed. */
  inject(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!(times > 0)) throw new RangeError('fault.times must be > 0');
    this.#armed.push({ fault, left: times });
  }

  /** Disarm every fault. */
  clear(): void {
    this.#armed.length = 0;
  }

  /** Faults still armed, with how many hits each has left. */
  pending(): ReadonlyArray<{ fault: Fault; left: number }> {
    return this.#armed.map((a) => ({ ...a }));
  }

  /** The fault this request suffers, if any (uses up one hit). */
  take(route: SimRoute, videoId: string | undefined): FaultAction | undefined {
    const index = this.#armed.findIndex(
      ({ fault }) =>
        (fault.route === 'any' || fault.route === route) &&
        (fault.videoId === undefined || fault.videoId === videoId),
    );
    const armed = this.#armed[index];
    if (!armed) return undefined;
    armed.left -= 1;
    if (armed.left <= 0) this.#armed.splice(index, 1);
    return armed.fault;
  }
}

/**
 * Waiting jobs, grouped per user and served round-robin: the next job comes from the user
 * served least recently (users never served yet first, in order of their first waiting
 * job). One user's ten jobs never starve another user's one, even when the heavy user's
 * first jobs were taken before the others arrived. Pure and synchronous; the engine owns
 * the concurrency cap.
 */

/** How many users' "last served" marks are remembered (oldest forgotten first). */
const MEMORY = 10_000;
const NEVER = -1;
/** After a 429 the user whose job was put back goes first. */
const FIRST = -2;

export class FairQueue {
  readonly #jobs = new Map<string, string[]>();
  /** When each user's line became non-empty (tie-break among users never served). */
  readonly #since = new Map<string, number>();
  readonly #lastServed = new Map<string, number>();
  readonly #userOf = new Map<string, string>();
  #seq = 0;
  /** Positions computed once per change: views ask for them often. */
  #positions: Map<string, number> | undefined;

  get size(): number {
    return this.#userOf.size;
  }

  has(jobId: string): boolean {
    return this.#userOf.has(jobId);
  }

  /** Add a job at the back of its user's line. */
  push(jobId: string, user: string): void {
    this.#add(jobId, user, false);
  }

  /** Put a job back at the front of its user's line, with that user served next (after a 429). */
  pushFront(jobId: string, user: string): void {
    this.#add(jobId, user, true);
    this.#served(user, FIRST);
  }

  /** Take the next job to submit, or `undefined` when empty. */
  shift(): string | undefined {
    const user = this.#next(this.#lastServed);
    if (user === undefined) return undefined;
    this.#positions = undefined;
    const list = this.#jobs.get(user)!;
    const jobId = list.shift()!;
    if (list.length === 0) {
      this.#jobs.delete(user);
      this.#since.delete(user);
    }
    this.#userOf.delete(jobId);
    this.#served(user, ++this.#seq);
    return jobId;
  }

  /** Take a job out wherever it is (cancel). */
  remove(jobId: string): boolean {
    const user = this.#userOf.get(jobId);
    if (user === undefined) return false;
    this.#positions = undefined;
    this.#userOf.delete(jobId);
    const list = (this.#jobs.get(user) ?? []).filter((id) => id !== jobId);
    if (list.length > 0) this.#jobs.set(user, list);
    else {
      this.#jobs.delete(user);
      this.#since.delete(user);
    }
    return true;
  }

  /** Every waiting job in the order it would be served. */
  order(): string[] {
    const served = new Map(this.#lastServed);
    const taken = new Map<string, number>();
    const out: string[] = [];
    let seq = this.#seq;
    for (let i = 0; i < this.size; i++) {
      const user = this.#next(served, taken);
      if (user === undefined) break;
      const at = taken.get(user) ?? 0;
      out.push(this.#jobs.get(user)![at]!);
      taken.set(user, at + 1);
      served.set(user, ++seq);
    }
    return out;
  }

  /** 1-based position of `jobId` in serving order, or `undefined` when not waiting. */
  position(jobId: string): number | undefined {
    if (!this.#positions) this.#positions = new Map(this.order().map((id, i) => [id, i + 1]));
    return this.#positions.get(jobId);
  }

  #add(jobId: string, user: string, front: boolean): void {
    if (this.#userOf.has(jobId)) return;
    this.#positions = undefined;
    this.#userOf.set(jobId, user);
    const list = this.#jobs.get(user);
    if (!list) {
      this.#jobs.set(user, [jobId]);
      this.#since.set(user, ++this.#seq);
    } else if (front) list.unshift(jobId);
    else list.push(jobId);
  }

  /** The user to serve next: least recently served, then longest waiting. */
  #next(served: ReadonlyMap<string, number>, taken?: ReadonlyMap<string, number>): string | undefined {
    let best: string | undefined;
    let bestKey: [number, number] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    for (const [user, list] of this.#jobs) {
      if ((taken?.get(user) ?? 0) >= list.length) continue;
      const key: [number, number] = [served.get(user) ?? NEVER, this.#since.get(user) ?? 0];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
        best = user;
        bestKey = key;
      }
    }
    return best;
  }

  #served(user: string, mark: number): void {
    this.#lastServed.delete(user);
    this.#lastServed.set(user, mark);
    if (this.#lastServed.size > MEMORY) this.#lastServed.delete(this.#lastServed.keys().next().value!);
  }
}

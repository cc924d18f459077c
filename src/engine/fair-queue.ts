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
  /** Users in the order each round serves them, computed once per change: views ask often. */
  #round: string[] | undefined;

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
    this.#round = undefined;
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
    this.#round = undefined;
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

  /**
   * 1-based position of `jobId` in serving order, or `undefined` when not waiting. Serving goes in
   * rounds (a served user moves behind every other, so each round keeps the first one's order of
   * users): the job at index k of its user's line comes after k jobs of every user with more than
   * k, after at most k of every other, and after the k-th job of each user ahead of its own.
   * O(users) a question, where the order it stands for costs O(jobs × users).
   */
  position(jobId: string): number | undefined {
    const owner = this.#userOf.get(jobId);
    if (owner === undefined) return undefined;
    const k = this.#jobs.get(owner)!.indexOf(jobId);
    let ahead = 0;
    let passedOwner = false;
    for (const user of this.#roundOrder()) {
      if (user === owner) passedOwner = true;
      const waiting = this.#jobs.get(user)!.length;
      ahead += Math.min(waiting, k) + (!passedOwner && waiting > k ? 1 : 0);
    }
    return ahead + 1;
  }

  #roundOrder(): string[] {
    if (!this.#round) {
      const key = (u: string): [number, number] => [
        this.#lastServed.get(u) ?? NEVER,
        this.#since.get(u) ?? 0,
      ];
      this.#round = [...this.#jobs.keys()].sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        return x[0] - y[0] || x[1] - y[1];
      });
    }
    return this.#round;
  }

  #add(jobId: string, user: string, front: boolean): void {
    if (this.#userOf.has(jobId)) return;
    this.#round = undefined;
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

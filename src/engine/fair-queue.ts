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
   * 1-based position of `jobId` in serving order, or `undefined` when not waiting. Computed
   * from the lines' lengths, not from {@link order}: a user served goes to the back of a fixed
   * cycle, so the job at index `r` of its line comes after `min(length, r)` jobs of every line
   * and after the `r`-th job of each line ahead of its own. Every new job asks for its position
   * at once; rebuilding the whole order for that made an intake of 10,000 jobs quadratic (tens
   * of seconds of CPU and most of the bot's garbage).
   */
  position(jobId: string): number | undefined {
    const user = this.#userOf.get(jobId);
    if (user === undefined) return undefined;
    const round = this.#jobs.get(user)!.indexOf(jobId);
    const mine = this.#key(user);
    let ahead = 0;
    for (const [other, list] of this.#jobs) {
      ahead += Math.min(list.length, round);
      if (list.length > round && other !== user && this.#earlier(this.#key(other), mine)) ahead += 1;
    }
    return ahead + 1;
  }

  #add(jobId: string, user: string, front: boolean): void {
    if (this.#userOf.has(jobId)) return;
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
      const key = this.#key(user, served);
      if (this.#earlier(key, bestKey)) {
        best = user;
        bestKey = key;
      }
    }
    return best;
  }

  /** What orders users: when last served, then since when waiting. */
  #key(user: string, served: ReadonlyMap<string, number> = this.#lastServed): [number, number] {
    return [served.get(user) ?? NEVER, this.#since.get(user) ?? 0];
  }

  #earlier(a: readonly [number, number], b: readonly [number, number]): boolean {
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  }

  #served(user: string, mark: number): void {
    this.#lastServed.delete(user);
    this.#lastServed.set(user, mark);
    if (this.#lastServed.size > MEMORY) this.#lastServed.delete(this.#lastServed.keys().next().value!);
  }
}

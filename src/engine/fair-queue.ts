/**
 * Waiting jobs, grouped per user and served round-robin across users in order of each
 * user's first waiting job, so one user's ten jobs never starve another user's one.
 * Pure and synchronous; the engine owns the concurrency cap.
 */

export class FairQueue {
  /** Users in serving order; the head is served next. */
  #rotation: string[] = [];
  readonly #jobs = new Map<string, string[]>();
  readonly #userOf = new Map<string, string>();
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
    if (this.#userOf.has(jobId)) return;
    this.#positions = undefined;
    this.#userOf.set(jobId, user);
    const list = this.#jobs.get(user);
    if (list) list.push(jobId);
    else {
      this.#jobs.set(user, [jobId]);
      this.#rotation.push(user);
    }
  }

  /** Put a job back at the front of its user's line, with that user served next (after a 429). */
  pushFront(jobId: string, user: string): void {
    if (this.#userOf.has(jobId)) return;
    this.#positions = undefined;
    this.#userOf.set(jobId, user);
    const list = this.#jobs.get(user);
    if (list) list.unshift(jobId);
    else this.#jobs.set(user, [jobId]);
    this.#rotation = [user, ...this.#rotation.filter((u) => u !== user)];
  }

  /** Take the next job to submit, or `undefined` when empty. */
  shift(): string | undefined {
    const user = this.#rotation.shift();
    if (user === undefined) return undefined;
    this.#positions = undefined;
    const list = this.#jobs.get(user) ?? [];
    const jobId = list.shift();
    if (list.length > 0) this.#rotation.push(user);
    else this.#jobs.delete(user);
    if (jobId !== undefined) this.#userOf.delete(jobId);
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
      this.#rotation = this.#rotation.filter((u) => u !== user);
    }
    return true;
  }

  /** Every waiting job in the order it would be served. */
  order(): string[] {
    const lists = this.#rotation.map((u) => this.#jobs.get(u) ?? []);
    const out: string[] = [];
    const longest = Math.max(0, ...lists.map((l) => l.length));
    for (let round = 0; round < longest; round++) {
      for (const list of lists) {
        const id = list[round];
        if (id !== undefined) out.push(id);
      }
    }
    return out;
  }

  /** 1-based position of `jobId` in serving order, or `undefined` when not waiting. */
  position(jobId: string): number | undefined {
    if (!this.#positions) this.#positions = new Map(this.order().map((id, i) => [id, i + 1]));
    return this.#positions.get(jobId);
  }
}

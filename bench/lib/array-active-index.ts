/**
 * The active index as earlier versions kept it, for comparison only: the whole set as one array
 * under `index:active`, rewritten (writes coalesced) on every change.
 */
import { type ActiveIndex, LEGACY_ACTIVE_KEY } from '../../src/engine/active-index.ts';
import type { Store } from '../../src/engine/store.ts';

export class ArrayActiveIndex implements ActiveIndex {
  #active = new Set<string>();
  #flushing: Promise<void> | undefined;
  #dirty = false;

  constructor(private readonly store: Store) {}

  async load(): Promise<string[]> {
    const ids = (await this.store.get<string[]>(LEGACY_ACTIVE_KEY)) ?? [];
    this.#active = new Set(ids);
    return ids;
  }

  add(...ids: string[]): Promise<void> {
    for (const id of ids) this.#active.add(id);
    return this.#flush();
  }

  remove(...ids: string[]): Promise<void> {
    for (const id of ids) this.#active.delete(id);
    return this.#flush();
  }

  #flush(): Promise<void> {
    this.#dirty = true;
    if (this.#flushing) return this.#flushing;
    const run = (async () => {
      try {
        while (this.#dirty) {
          this.#dirty = false;
          await this.store.set(LEGACY_ACTIVE_KEY, [...this.#active]);
        }
      } finally {
        this.#flushing = undefined;
      }
    })();
    this.#flushing = run;
    return run;
  }
}

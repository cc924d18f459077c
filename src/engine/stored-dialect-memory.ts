/**
 * The video client's {@link DialectMemory} over the engine's store (`dialects:<base URL>`), so a
 * restarted bot talks to its upstream the way it last learned without probing again.
 */

import type { DialectMemory, LearnedDialect } from '../video/dialect-memory.ts';
import { RESOLVED_DIALECTS } from '../video/dialect-requests.ts';
import type { Store } from './store.ts';

const PREFIX = 'dialects:';

export class StoredDialectMemory implements DialectMemory {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async load(upstream: string): Promise<LearnedDialect | undefined> {
    const stored = await this.#store.get<LearnedDialect>(PREFIX + upstream);
    // A record written by another version, or damaged: probe again rather than trust it.
    return isLearnedDialect(stored) ? stored : undefined;
  }

  async save(upstream: string, learned: LearnedDialect): Promise<void> {
    await this.#store.set(PREFIX + upstream, learned);
  }
}

function isLearnedDialect(value: unknown): value is LearnedDialect {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<LearnedDialect>;
  const known = (d: unknown) => (RESOLVED_DIALECTS as readonly unknown[]).includes(d);
  return (
    known(v.dialect) &&
    (v.remixAs === undefined || known(v.remixAs)) &&
    Array.isArray(v.evidence) &&
    typeof v.learnedAt === 'number'
  );
}

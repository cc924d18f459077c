/**
 * Several upstream API keys (`VIDEO_API_KEY=k1,k2,...`), each with its own concurrency cap and
 * its own `VideoApi`. A job sticks to the key that created it (its index is stored on the job,
 * never the key); a key the upstream refuses (401/403) leaves the pool, logged by its number
 * and a short fingerprint only, and waiting jobs go to the keys still in it.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../log/logger.ts';
import type { VideoApi } from '../video/video.ts';
import type { EngineEvents } from './engine-events.ts';

export class VideoKeyPool {
  readonly #clients: readonly VideoApi[];
  readonly #disabled = new Set<number>();
  readonly #fingerprints: readonly string[];
  #next = 0;

  constructor(
    clients: readonly VideoApi[],
    private readonly logger: Logger,
    private readonly events: EngineEvents,
    /** Key fingerprints for logs (sha256 prefix of each key); by number when not given. */
    fingerprints: readonly string[] = [],
  ) {
    if (clients.length === 0) throw new Error('the key pool needs at least one upstream client');
    this.#clients = clients;
    this.#fingerprints = clients.map((_, i) => fingerprints[i] ?? `#${i + 1}`);
  }

  get size(): number {
    return this.#clients.length;
  }

  get disabledCount(): number {
    return this.#disabled.size;
  }

  /** The client of key `index` (a job's stored key; 0 for jobs from before pools). */
  client(index: number | undefined): VideoApi {
    return this.#clients[index ?? 0] ?? this.#clients[0]!;
  }

  /** A client for calls tied to no job (checking a remix source): the first key still in use. */
  any(): VideoApi {
    return this.client(this.enabled()[0]);
  }

  isEnabled(index: number): boolean {
    return index >= 0 && index < this.#clients.length && !this.#disabled.has(index);
  }

  /** Keys still in the pool. When every key was refused, all of them (so errors reach users). */
  enabled(): number[] {
    const live = this.#clients.map((_, i) => i).filter((i) => !this.#disabled.has(i));
    return live.length > 0 ? live : this.#clients.map((_, i) => i);
  }

  /** The next key in turn among those in the pool. */
  pick(): number {
    const live = this.enabled();
    const key = live[this.#next % live.length]!;
    this.#next += 1;
    return key;
  }

  /**
   * Take a key out of the pool (the upstream refused it). The last key is never taken out: its
   * jobs fail with the upstream's answer instead of waiting forever. Returns true when removed.
   */
  disable(index: number): boolean {
    if (!this.isEnabled(index) || this.enabled().length <= 1) return false;
    this.#disabled.add(index);
    this.logger.error('upstream refused an API key (401/403): taken out of the pool, check VIDEO_API_KEY', {
      key: index + 1,
      of: this.#clients.length,
      fingerprint: this.#fingerprints[index],
      left: this.enabled().length,
    });
    this.events.emit('keys', { disabled: this.#disabled.size, total: this.#clients.length });
    return true;
  }
}

/** A short, non-reversible name for a key in logs: the first 8 hex chars of its SHA-256. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * What the client learned about how an upstream wants to be spoken to, and the port through
 * which it is remembered across restarts. Keyed by the upstream's base URL, never by a key.
 */
import type { UpstreamFeature } from './errors.ts';
import type { ResolvedDialect } from './video.ts';

export interface LearnedDialect {
  /** How answers are read and requests written unless a field below says otherwise. */
  dialect: ResolvedDialect;
  /** Remix is written as this dialect writes it (learned from a refused remix). */
  remixAs?: ResolvedDialect;
  /** Create without an image goes as JSON or multipart (learned from a refused create). */
  createAs?: 'json' | 'form';
  /** Features whose route the upstream lacks, with when that was seen (ms epoch). */
  missing?: Partial<Record<UpstreamFeature, number>>;
  /**
   * Learned while `VIDEO_API_DIALECT` fixed the dialect: such a record only counts for that same
   * setting, never for `auto` or another dialect (what failed may have been the setting's fault).
   */
  fixed?: boolean;
  /** Why, in a few words each (for `cli probe` and logs). */
  evidence: string[];
  /** When this was last changed (ms epoch). */
  learnedAt: number;
}

/** Where learned dialects are kept (the engine's store); the client works without one. */
export interface DialectMemory {
  load(upstream: string): Promise<LearnedDialect | undefined>;
  save(upstream: string, learned: LearnedDialect): Promise<void>;
}

/** A route found missing is tried again after this, in case the upstream added it. @default 6 h */
export const MISSING_FEATURE_TTL_MS = 6 * 60 * 60 * 1000;

/** Evidence lines kept per upstream (oldest dropped first). */
const EVIDENCE_KEPT = 12;

/** `learned` with `change` applied, evidence appended. Pure. */
export function withLesson(
  learned: LearnedDialect,
  change: Partial<Omit<LearnedDialect, 'evidence' | 'learnedAt'>>,
  evidence: string,
  now: number,
): LearnedDialect {
  return {
    ...learned,
    ...change,
    evidence: [...learned.evidence, evidence].slice(-EVIDENCE_KEPT),
    learnedAt: now,
  };
}

/** Whether `feature` was found missing recently enough to be believed. */
export function isMissing(
  learned: LearnedDialect | undefined,
  feature: UpstreamFeature,
  now: number,
): boolean {
  const seen = learned?.missing?.[feature];
  return seen !== undefined && now - seen < MISSING_FEATURE_TTL_MS;
}

/**
 * Requests the upstream refused under its content rules, remembered by a fingerprint of what was
 * sent (prompt, model, size, seconds and the fitted image's bytes), so the same request again is
 * refused before it is charged a second time. Stored under `moderation:refused:<sha256>`; the
 * prompt itself is not kept.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Job, JobImage } from './job.ts';
import type { Store } from './store.ts';

export interface PolicyRefusal {
  subject: 'prompt' | 'image';
  at: number;
}

/** Short hash of a prompt for audit lines (never the prompt itself). */
export function promptHash(prompt: string): string {
  return createHash('sha256').update(prompt, 'utf8').digest('hex').slice(0, 16);
}

export class PolicyMemory {
  constructor(private readonly store: Store) {}

  async fingerprint(p: {
    prompt: string;
    model: string;
    size: string;
    seconds: number;
    image?: JobImage | undefined;
    parentVideoId?: string | undefined;
  }): Promise<string> {
    const h = createHash('sha256');
    h.update(JSON.stringify([p.prompt, p.model, p.size, p.seconds, p.parentVideoId ?? '']));
    if (p.image) {
      const bytes = await readFile(p.image.path).catch(() => undefined);
      h.update(bytes ?? p.image.path);
    }
    return h.digest('hex');
  }

  known(fingerprint: string): Promise<PolicyRefusal | undefined> {
    return this.store.get<PolicyRefusal>(`moderation:refused:${fingerprint}`);
  }

  async remember(job: Job, subject: 'prompt' | 'image', at: number): Promise<void> {
    const fp = await this.fingerprint(job);
    await this.store.set(`moderation:refused:${fp}`, { subject, at } satisfies PolicyRefusal);
  }
}

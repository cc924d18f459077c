/** The blocklist matcher, and the engine's moderation: refused before any charge, one audit line per decision, no prompt in logs. */
import { afterEach, describe, expect, it } from 'vitest';
import { blockedTerm, termProblem } from '../../src/engine/blocklist.ts';
import { policySubject } from '../../src/engine/job-errors.ts';
import { createLogger } from '../../src/log/logger.ts';
import { actor, type Harness, request, startHarness, waitForState } from './engine-harness.ts';

describe('blocklist matching', () => {
  it('matches words whole and case-insensitively, text without word boundaries anywhere, and /patterns/', () => {
    expect(blockedTerm('A GORE fest', ['gore'])).toBe('gore');
    expect(blockedTerm('gorest the goat', ['gore'])).toBeUndefined();
    expect(blockedTerm('一只血腥的猫', ['血腥'])).toBe('血腥');
    expect(blockedTerm('blood  bath', ['/blood\\s*bath/'])).toBe('/blood\\s*bath/');
    expect(blockedTerm('Blood bath', ['/blood bath/'])).toBe('/blood bath/');
    expect(blockedTerm('Blood bath', ['/blood bath/g'])).toBeUndefined();
    expect(termProblem('/([/')).toMatch(/./);
    expect(termProblem('gore')).toBeUndefined();
    expect(termProblem('   ')).toBe('empty');
  });

  it('says whether the upstream refused the image or the prompt', () => {
    expect(policySubject('Your input image was rejected by the safety system')).toBe('image');
    expect(policySubject('Your request was blocked by our content policy')).toBe('prompt');
    expect(policySubject(undefined)).toBe('prompt');
  });
});

describe('engine moderation', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('refuses a blocked prompt before the upstream or the quota sees it, and audits every decision without the prompt', async () => {
    const lines: string[] = [];
    h = await startHarness({
      engine: { logger: createLogger({ level: 'info', sink: (l) => lines.push(l) }) },
    });
    await h.engine.setBlocklist('cli', 'ws1', ['secretword']);
    const blocked = await h.engine.submit(request('u1', 'a secretword sunrise'));
    expect(blocked.ok ? undefined : blocked.refusal).toEqual({
      code: 'blocked_term',
      values: { term: 'secretword' },
    });
    expect(h.sim.stats.count('create')).toBe(0);
    expect((await h.engine.usage(actor('u1'), 'ws1')).videos.used).toBe(0);
    const ok = await h.engine.submit(request('u1', 'a calm sunrise'));
    expect(ok.ok).toBe(true);
    const audit = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'moderation decision');
    expect(audit.map((l) => l.decision)).toEqual(['blocked_term', 'allowed']);
    expect(audit[0]).toMatchObject({
      user: 'cli:u1',
      channel: expect.any(String),
      promptHash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(lines.join('\n')).not.toContain('secretword sunrise');
    expect(lines.join('\n')).not.toContain('calm sunrise');
  });

  it('a content-policy failure is remembered: the same request is refused up front and charged once', async () => {
    h = await startHarness();
    const first = await h.engine.submit(request('u2', 'a [policy] scene'));
    if (!first.ok) throw new Error(first.refusal.code);
    const failed = await waitForState(h.engine, first.value.job.id, 'failed');
    expect(failed.error?.code).toBe('content_policy');
    expect(failed.error?.values?.subject).toBe('prompt');
    const used = (await h.engine.usage(actor('u2'), 'ws1')).videos.used;
    await h.engine.idle();
    const again = await h.engine.submit(request('u2', 'a [policy] scene'));
    expect(again.ok ? 'accepted' : again.refusal).toEqual({
      code: 'content_policy_known',
      values: { subject: 'prompt' },
    });
    expect((await h.engine.usage(actor('u2'), 'ws1')).videos.used).toBe(used);
  });
});

import { describe, expect, it } from 'vitest';
import { parseRange } from '../../src/app/gallery/gallery-service.ts';
import { signGalleryToken, verifyGalleryToken } from '../../src/app/gallery/gallery-token.ts';

const SECRET = 'a-secret-of-enough-length';
const NOW = 1_800_000_000_000;
const grant = {
  platform: 'discord' as const,
  workspaceId: '123456789',
  locale: 'zh-CN',
  expiresAt: NOW + 60_000,
};

describe('gallery link tokens', () => {
  it('carry their scope, language and expiry', () => {
    const check = verifyGalleryToken(SECRET, signGalleryToken(SECRET, grant), NOW);
    expect(check).toEqual({ ok: true, grant });
  });

  it('are refused once expired', () => {
    expect(verifyGalleryToken(SECRET, signGalleryToken(SECRET, grant), NOW + 60_000)).toEqual({
      ok: false,
      why: 'expired',
    });
  });

  it('are refused when signed with another secret, or when the scope was changed', () => {
    const token = signGalleryToken(SECRET, grant);
    expect(verifyGalleryToken('another-secret-entirely', token, NOW).ok).toBe(false);
    const [, sig] = token.split('.');
    const otherScope = Buffer.from(
      JSON.stringify({ v: 1, p: 'discord', w: '999', e: NOW / 1000 + 60 }),
    ).toString('base64url');
    expect(verifyGalleryToken(SECRET, `${otherScope}.${sig}`, NOW)).toEqual({ ok: false, why: 'invalid' });
    for (const junk of ['', '.', 'abc', `${token}x`, 'x'.repeat(2000)]) {
      expect(verifyGalleryToken(SECRET, junk, NOW).ok).toBe(false);
    }
  });
});

describe('byte ranges of gallery media', () => {
  it('reads the forms a video element sends', () => {
    expect(parseRange('bytes=0-', 100)).toEqual([0, 99]);
    expect(parseRange('bytes=10-19', 100)).toEqual([10, 19]);
    expect(parseRange('bytes=90-500', 100)).toEqual([90, 99]);
    expect(parseRange('bytes=-10', 100)).toEqual([90, 99]);
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
  });
});

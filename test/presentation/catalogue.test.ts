/** The message catalogue: every key in both languages, every engine code worded. */
import { describe, expect, it } from 'vitest';
import { REFUSAL_CODES } from '../../src/engine/engine-api.ts';
import { JOB_ERROR_CODES } from '../../src/engine/job.ts';
import { CATALOGUES, LANGS, langOf, t } from '../../src/presentation/catalogue/catalogue.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogue', () => {
  it('has every key in every language, none empty', () => {
    const keys = Object.keys(CATALOGUES.en).sort();
    for (const lang of LANGS) {
      const table = CATALOGUES[lang] as Record<string, string>;
      expect(Object.keys(table).sort(), lang).toEqual(keys);
      for (const key of keys) expect(table[key]?.trim(), `${lang} ${key}`).toBeTruthy();
    }
  });

  it('uses the same placeholders in every language', () => {
    for (const [key, en] of Object.entries(CATALOGUES.en)) {
      const zh = (CATALOGUES['zh-CN'] as Record<string, string>)[key] ?? '';
      expect(placeholders(zh), key).toEqual(placeholders(en));
    }
  });

  it('words every refusal code and every job error code', () => {
    for (const code of REFUSAL_CODES)
      expect(Object.hasOwn(CATALOGUES.en, `refusal.${code}`), code).toBe(true);
    for (const code of JOB_ERROR_CODES)
      expect(Object.hasOwn(CATALOGUES.en, `error.${code}`), code).toBe(true);
  });

  it('is really translated: the Chinese table has Chinese in every sentence that is not a name', () => {
    // `Slack` is a name and a figure is only numbers; everything else must read as Chinese.
    const untranslated = Object.entries(CATALOGUES['zh-CN']).filter(
      ([key, text]) => !['platform.slack', 'quota.figure'].includes(key) && !/[\u4e00-\u9fff]/.test(text),
    );
    expect(untranslated).toEqual([]);
  });

  it('picks Chinese for zh locales and English for everything else', () => {
    expect(langOf('zh-CN')).toBe('zh-CN');
    expect(langOf('zh_CN')).toBe('zh-CN');
    expect(langOf('zh-TW')).toBe('zh-CN');
    expect(langOf('en-GB')).toBe('en');
    expect(langOf('fr')).toBe('en');
    expect(langOf(undefined)).toBe('en');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('en', 'state.waiting', { position: 2, total: 3 })).toBe('Waiting in line — number 2 of 3');
    expect(t('zh-CN', 'state.waiting', { position: 2, total: 3 })).toBe('排队中 — 第 2 位，共 3 个');
    expect(t('en', 'state.waiting', { position: 2 })).toBe('Waiting in line — number 2 of {total}');
  });
});

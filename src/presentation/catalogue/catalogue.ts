/**
 * The message catalogue: one table per language, the same keys (English is the source; a key
 * missing in another table is a type error). Every platform words its messages through `t`.
 */
import { en, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type { MessageKey } from './en.ts';

/** The languages the bot speaks. Every other locale gets English. */
export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];

export const CATALOGUES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = {
  en,
  'zh-CN': zhCN,
};

export type Vars = Record<string, string | number>;

/** `zh-CN` for Chinese locales (`zh-CN`, `zh_CN`, `zh-TW`, `zh`: it is the only Chinese table), else `en`. */
export function langOf(locale: string | undefined): Lang {
  return locale?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The text for `key` in `locale`, with `{name}` placeholders filled from `vars`. */
export function t(locale: string | undefined, key: MessageKey, vars: Vars = {}): string {
  return fill(CATALOGUES[langOf(locale)][key], vars);
}

/** Fill `{name}` placeholders; an unknown one stays visible rather than vanishing. */
export function fill(template: string, vars: Vars): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** True when `key` is in the catalogue (for codes that come from stored data). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

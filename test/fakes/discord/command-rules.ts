/**
 * Discord's validation of application command definitions (bulk overwrite), so a command set
 * that real Discord would refuse is refused here too.
 */
import type { Json } from './fake-state.ts';

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const LOCALES = new Set([
  'id',
  'da',
  'de',
  'en-GB',
  'en-US',
  'es-ES',
  'es-419',
  'fr',
  'hr',
  'it',
  'lt',
  'hu',
  'nl',
  'no',
  'pl',
  'pt-BR',
  'ro',
  'fi',
  'sv-SE',
  'vi',
  'tr',
  'cs',
  'el',
  'bg',
  'ru',
  'uk',
  'hi',
  'th',
  'zh-CN',
  'ja',
  'zh-TW',
  'ko',
]);

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function nameProblems(where: string, name: string, localized: unknown): string[] {
  const out: string[] = [];
  const check = (label: string, n: string) => {
    if (!NAME.test(n) || n !== n.toLowerCase()) out.push(`${label}: invalid command or option name "${n}"`);
  };
  check(`${where}.name`, name);
  if (localized && typeof localized === 'object') {
    for (const [locale, n] of Object.entries(localized as Record<string, unknown>)) {
      if (!LOCALES.has(locale)) out.push(`${where}.name_localizations: unknown locale ${locale}`);
      check(`${where}.name_localizations.${locale}`, str(n));
    }
  }
  return out;
}

function descriptionProblems(where: string, desc: string, localized: unknown): string[] {
  const out: string[] = [];
  if (desc.length < 1 || desc.length > 100) out.push(`${where}.description: 1-100 characters`);
  if (localized && typeof localized === 'object') {
    for (const [locale, d] of Object.entries(localized as Record<string, unknown>)) {
      if (!LOCALES.has(locale)) out.push(`${where}.description_localizations: unknown locale ${locale}`);
      if (str(d).length < 1 || str(d).length > 100)
        out.push(`${where}.description_localizations.${locale}: 1-100`);
    }
  }
  return out;
}

function optionProblems(where: string, options: Json[]): string[] {
  const out: string[] = [];
  if (options.length > 25) out.push(`${where}.options: 25 or fewer`);
  const names = new Set<string>();
  let seenOptional = false;
  options.forEach((o, i) => {
    const w = `${where}.options.${i}`;
    const name = str(o.name);
    if (names.has(name)) out.push(`${w}.name: duplicate option name ${name}`);
    names.add(name);
    out.push(...nameProblems(w, name, o.name_localizations));
    out.push(...descriptionProblems(w, str(o.description), o.description_localizations));
    const type = Number(o.type);
    if (!(type >= 1 && type <= 11)) out.push(`${w}.type: invalid option type`);
    if (type === 1 || type === 2) {
      out.push(...optionProblems(w, Array.isArray(o.options) ? (o.options as Json[]) : []));
      return;
    }
    if (o.required) {
      if (seenOptional) out.push(`${w}: required options must be placed before non-required options`);
    } else {
      seenOptional = true;
    }
    if (Array.isArray(o.choices)) {
      if (o.choices.length > 25) out.push(`${w}.choices: 25 or fewer`);
      if (o.autocomplete) out.push(`${w}: autocomplete may not be set with choices`);
    }
  });
  return out;
}

/** Problems with a bulk-overwrite body, empty when Discord would accept it. */
export function commandProblems(list: Json[]): string[] {
  const out: string[] = [];
  if (list.length > 100) out.push('commands: 100 or fewer');
  const names = new Set<string>();
  list.forEach((c, i) => {
    const where = `${i}`;
    const name = str(c.name);
    if (names.has(name)) out.push(`${where}.name: Application command names must be unique`);
    names.add(name);
    out.push(...nameProblems(where, name, c.name_localizations));
    if ((c.type ?? 1) === 1)
      out.push(...descriptionProblems(where, str(c.description), c.description_localizations));
    out.push(...optionProblems(where, Array.isArray(c.options) ? (c.options as Json[]) : []));
    if (JSON.stringify(c).length > 8000) out.push(`${where}: command too large`);
  });
  return out;
}

/**
 * Discord's side of the catalogue: command names and descriptions registered in English and
 * Simplified Chinese (`*_localizations`); replies follow the user's locale through `t`.
 */
import { CATALOGUES, type MessageKey } from '../../presentation/catalogue/catalogue.ts';

export { type MessageKey, t } from '../../presentation/catalogue/catalogue.ts';

/** `description` + `description_localizations` for a command or option. */
export function described(key: MessageKey) {
  const en = CATALOGUES.en[key];
  return { description: en, description_localizations: { 'en-US': en, 'zh-CN': CATALOGUES['zh-CN'][key] } };
}

/** `name` + `name_localizations` (the Chinese name shown in the command picker). */
export function named(name: string, zhName: string) {
  return { name, name_localizations: { 'zh-CN': zhName } };
}

/**
 * Parses `/settings` text: nothing or `show`; `mine|workspace|channel [#channel] key=value … [clear]`
 * (keys: model, size, seconds, variants, private, image); `blocklist add|remove <word or /pattern/>`
 * and `blocklist list`. The command is escaped by Slack, so `#channel` arrives as `<#C123|name>`
 * and `&`, `<`, `>` as entities (turned back here).
 */
import type { DefaultField } from '../../../engine/video-defaults.ts';
import type { RawValue, SettingsAction } from '../../settings-actions.ts';

const KEYS: Record<string, DefaultField> = {
  model: 'model',
  size: 'size',
  seconds: 'seconds',
  variants: 'variants',
  private: 'private',
  image: 'imageToVideo',
  'image-to-video': 'imageToVideo',
};

const fromEntities = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The action, or `undefined` when the text is not one (the usage is shown). */
export function parseSettingsText(
  text: string,
  where: { userId: string; channelId: string },
): SettingsAction | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'show') return { kind: 'show' };
  const bl = /^blocklist\s+(add|remove|list)(?:\s+([\s\S]+))?$/i.exec(trimmed);
  if (bl) {
    const op = (bl[1] ?? '').toLowerCase() as 'add' | 'remove' | 'list';
    if (op === 'list') return { kind: 'blocklist', op };
    const term = fromEntities(bl[2] ?? '').trim();
    return term === '' ? undefined : { kind: 'blocklist', op, term };
  }
  const words = trimmed.split(/\s+/);
  const head = (words.shift() ?? '').toLowerCase();
  let scope: Extract<SettingsAction, { kind: 'set' }>['scope'];
  if (head === 'mine' || head === 'me') scope = { kind: 'user', userId: where.userId };
  else if (head === 'workspace' || head === 'server') scope = { kind: 'workspace' };
  else if (head === 'channel') {
    const mention = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(words[0] ?? '');
    if (mention) words.shift();
    scope = { kind: 'channel', channelId: mention?.[1] ?? where.channelId };
  } else return undefined;
  const values: Partial<Record<DefaultField, RawValue>> = {};
  let clear = false;
  for (const word of words) {
    if (word.toLowerCase() === 'clear') {
      clear = true;
      continue;
    }
    const m = /^([a-z-]+)=(.+)$/i.exec(word);
    const field = m ? KEYS[(m[1] ?? '').toLowerCase()] : undefined;
    if (!m || !field) return undefined;
    values[field] = fromEntities(m[2] ?? '');
  }
  if (!clear && Object.keys(values).length === 0) return undefined;
  return { kind: 'set', scope, values, clear };
}

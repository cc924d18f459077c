/**
 * `/settings` on every chat platform: show the values a `/video` here would use and where each
 * comes from; set defaults for the workspace or a channel (admins) or for oneself (what admins
 * leave open); manage the prompt blocklist (admins). Adapters parse their input into a
 * {@link SettingsAction}, say whether the caller is an admin, and show the answer this returns.
 */
import { termProblem } from '../engine/blocklist.ts';
import type { Actor, EngineApi } from '../engine/engine-api.ts';
import {
  DEFAULT_FIELDS,
  type DefaultField,
  type DefaultsScope,
  MAX_VARIANTS,
  USER_FIELDS,
  type VideoDefaults,
} from '../engine/video-defaults.ts';
import { type MessageKey, t } from '../presentation/catalogue/catalogue.ts';

/** A value as typed (Slack: text) or as given by the platform (Discord: typed options). */
export type RawValue = string | number | boolean;

export type SettingsAction =
  | { kind: 'show' }
  | {
      kind: 'set';
      scope: DefaultsScope;
      values: Partial<Record<DefaultField, RawValue>>;
      /** Forget the scope's defaults (before setting `values`, if any). */
      clear: boolean;
    }
  | { kind: 'blocklist'; op: 'add' | 'remove'; term: string }
  | { kind: 'blocklist'; op: 'list' };

export interface SettingsContext {
  engine: EngineApi;
  actor: Actor;
  workspaceId: string;
  channelId: string;
  locale: string | undefined;
  /** How the platform shows a channel (`<#id>`). */
  mentionChannel(channelId: string): string;
  /** Escape user text (terms) for the platform's markup. */
  escape(text: string): string;
}

const FIELD_KEY: Record<DefaultField, MessageKey> = {
  model: 'settings.field.model',
  size: 'settings.field.size',
  seconds: 'settings.field.seconds',
  variants: 'settings.field.variants',
  private: 'settings.field.private',
  imageToVideo: 'settings.field.imageToVideo',
};

/** Carry out `action`; resolves the answer to show, in the caller's language. */
export async function runSettingsAction(c: SettingsContext, action: SettingsAction): Promise<string> {
  const { engine, actor, locale } = c;
  const platform = actor.platform;
  if (action.kind === 'show') return showSettings(c);
  if (action.kind === 'blocklist') {
    if (!actor.isAdmin) return t(locale, 'reply.notAdmin');
    const current = await engine.blocklist(platform, c.workspaceId);
    if (action.op !== 'list') {
      const term = action.term.trim();
      const problem = action.op === 'add' ? termProblem(term) : undefined;
      if (problem) return t(locale, 'settings.badPattern', { detail: c.escape(problem) });
      const next = action.op === 'add' ? [...current, term] : current.filter((x) => x !== term);
      await engine.setBlocklist(platform, c.workspaceId, next);
      return blocklistText(c, next);
    }
    return blocklistText(c, current);
  }
  if (action.scope.kind !== 'user' && !actor.isAdmin) return t(locale, 'reply.notAdmin');
  const allowed = action.scope.kind === 'user' ? USER_FIELDS : DEFAULT_FIELDS;
  const patch: VideoDefaults = {};
  for (const [field, raw] of Object.entries(action.values) as [DefaultField, RawValue][]) {
    if (!allowed.includes(field)) return t(locale, 'reply.notAdmin');
    const parsed = parseValue(engine, field, raw);
    if (parsed === undefined) {
      return t(locale, 'settings.badValue', {
        field: t(locale, FIELD_KEY[field]),
        value: c.escape(String(raw)),
        choices: choicesOf(engine, field, locale).join(', '),
      });
    }
    (patch as Record<string, unknown>)[field] = parsed;
  }
  if (action.clear) await engine.setVideoDefaults(platform, c.workspaceId, action.scope, null);
  if (Object.keys(patch).length > 0) {
    await engine.setVideoDefaults(platform, c.workspaceId, action.scope, patch);
  }
  const head = action.clear && Object.keys(patch).length === 0 ? 'settings.cleared' : 'settings.saved';
  return `${t(locale, head)}\n${await showSettings(c)}`;
}

/** The effective values here, each with its source. */
async function showSettings(c: SettingsContext): Promise<string> {
  const { locale } = c;
  const eff = await c.engine.effectiveDefaults(c.actor, {
    workspaceId: c.workspaceId,
    channelId: c.channelId,
  });
  const place = t(locale, `place.${c.actor.platform}`);
  const source = (s: string) =>
    s === 'workspace'
      ? t(locale, 'settings.source.workspace', { place })
      : t(locale, `settings.source.${s as 'channel' | 'user' | 'config'}`);
  const lines = DEFAULT_FIELDS.map((f) => {
    const e = eff[f];
    return `• ${t(locale, FIELD_KEY[f])}: ${shown(f, e.value, locale)} (${source(e.source)})`;
  });
  const out = [`${t(locale, 'settings.title')} ${c.mentionChannel(c.channelId)}`, ...lines];
  if (eff.overridden.length > 0) {
    const fields = eff.overridden.map((f) => t(locale, FIELD_KEY[f])).join(', ');
    out.push(t(locale, 'settings.lockedByAdmin', { fields }));
  }
  out.push(t(locale, 'settings.optionsWin'));
  return out.join('\n');
}

function shown(field: DefaultField, value: unknown, locale: string | undefined): string {
  if (field === 'private') return t(locale, value ? 'settings.on' : 'settings.off');
  if (field === 'imageToVideo') return t(locale, value ? 'settings.allowed' : 'settings.notAllowed');
  if (field === 'seconds') return `${String(value)}s`;
  return String(value);
}

function blocklistText(c: SettingsContext, terms: string[]): string {
  if (terms.length === 0) return t(c.locale, 'settings.blocklistEmpty');
  return t(c.locale, 'settings.blocklist', { list: terms.map((x) => `\`${c.escape(x)}\``).join(', ') });
}

const ON = /^(on|yes|true|1|开)$/i;
const OFF = /^(off|no|false|0|关)$/i;

/** The value in its stored type, when it is one the bot offers; else `undefined`. */
export function parseValue(engine: EngineApi, field: DefaultField, raw: RawValue): RawValue | undefined {
  const text = String(raw).trim();
  switch (field) {
    case 'model':
      return engine.choices.models.includes(text) ? text : undefined;
    case 'size': {
      const size = text.toLowerCase().replace('×', 'x');
      return engine.choices.sizes.includes(size) ? size : undefined;
    }
    case 'seconds': {
      const n = Number(text.replace(/s$/i, ''));
      return engine.choices.seconds.includes(n) ? n : undefined;
    }
    case 'variants': {
      const n = Number(text);
      return Number.isInteger(n) && n >= 1 && n <= MAX_VARIANTS ? n : undefined;
    }
    case 'private':
    case 'imageToVideo':
      if (typeof raw === 'boolean') return raw;
      return ON.test(text) ? true : OFF.test(text) ? false : undefined;
  }
}

function choicesOf(engine: EngineApi, field: DefaultField, locale: string | undefined): string[] {
  if (field === 'model') return [...engine.choices.models];
  if (field === 'size') return [...engine.choices.sizes];
  if (field === 'seconds') return engine.choices.seconds.map(String);
  if (field === 'variants') return ['1', '2', '3', '4'];
  return [t(locale, 'settings.on'), t(locale, 'settings.off')];
}

/**
 * Parses `/video a fox in snow --size 720x1280 --seconds 8 --model sora-2`. Flags may come
 * anywhere, as `--flag value` or `--flag=value`; Slack clients that autocorrect `--` into an
 * em dash (`—size`) are understood too. Everything that is not a flag is the prompt.
 */

export interface ParsedVideoText {
  prompt: string;
  size?: string;
  seconds?: number;
  model?: string;
  /** `--variants N` (1-4; the engine keeps it in range). */
  variants?: number;
  /** `--private` (or `--private=off`). */
  private?: boolean;
}

/** A problem with the text, as a catalogue message (the user's words go in `vars`, unescaped). */
export interface ParseProblem {
  key: 'reply.badFlag' | 'reply.flagValue' | 'reply.flagSize' | 'reply.flagWhole';
  vars: Record<string, string>;
}

export type ParseResult = { ok: true; value: ParsedVideoText } | { ok: false; problem: ParseProblem };

const FLAGS = ['size', 'seconds', 'model', 'variants', 'private'] as const;
type Flag = (typeof FLAGS)[number];

const FLAG_RE = /^(?:--|—|–)([a-z]+)(?:=(.*))?$/i;

export function parseVideoText(text: string): ParseResult {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const prompt: string[] = [];
  const flags: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const m = FLAG_RE.exec(word);
    if (!m) {
      prompt.push(word);
      continue;
    }
    const name = (m[1] ?? '').toLowerCase();
    if (!(FLAGS as readonly string[]).includes(name)) {
      return { ok: false, problem: { key: 'reply.badFlag', vars: { flag: word } } };
    }
    let value = m[2];
    // `--private` stands alone; only an explicit on/off after it is its value.
    if (name === 'private' && value === undefined) {
      const next = words[i + 1] ?? '';
      value = /^(on|off|yes|no|true|false)$/i.test(next) ? next : 'on';
      if (value === next) i += 1;
    }
    if (value === undefined) {
      i += 1;
      value = words[i];
    }
    if (value === undefined || value === '') {
      return { ok: false, problem: { key: 'reply.flagValue', vars: { flag: name } } };
    }
    flags[name as Flag] = value;
  }
  return buildParsed(prompt.join(' '), flags);
}

function buildParsed(prompt: string, flags: Partial<Record<Flag, string>>): ParseResult {
  const out: ParsedVideoText = { prompt };
  if (flags.size !== undefined) {
    const size = flags.size.toLowerCase().replace('×', 'x');
    if (!/^\d{2,5}x\d{2,5}$/.test(size)) {
      return { ok: false, problem: { key: 'reply.flagSize', vars: { value: flags.size } } };
    }
    out.size = size;
  }
  if (flags.seconds !== undefined) {
    const n = Number(flags.seconds.replace(/s$/i, ''));
    if (!Number.isInteger(n) || n <= 0) {
      return { ok: false, problem: { key: 'reply.flagWhole', vars: { value: flags.seconds } } };
    }
    out.seconds = n;
  }
  if (flags.model !== undefined) out.model = flags.model;
  if (flags.variants !== undefined) {
    const n = Number(flags.variants);
    if (!Number.isInteger(n) || n <= 0) {
      return { ok: false, problem: { key: 'reply.flagWhole', vars: { value: flags.variants } } };
    }
    out.variants = n;
  }
  if (flags.private !== undefined) out.private = !/^(off|no|false)$/i.test(flags.private);
  return { ok: true, value: out };
}

/** `/remix <video_id> <prompt>`: the first word is the video id, the rest the change. */
export function parseRemixText(text: string): { videoId: string; prompt: string } | undefined {
  const m = /^\s*(\S+)\s+([\s\S]*\S)\s*$/.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  return { videoId: m[1], prompt: m[2] };
}

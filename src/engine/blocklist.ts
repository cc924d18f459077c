/**
 * The admin-managed blocklist: words and `/patterns/` a prompt may not contain. A word matches
 * case-insensitively (as a whole word when it is made of letters and digits, so "ass" does not
 * refuse "class"; anywhere for text without word boundaries, such as Chinese); a pattern is a
 * regular expression written `/body/flags` (case-insensitive unless flags are given).
 */

const PATTERN = /^\/(.+)\/([a-z]*)$/s;
/** An admin's pattern runs on prompts of at most a few thousand characters; longer patterns are refused. */
export const MAX_TERM_CHARS = 200;

/** `undefined` when `term` is usable, else why not (a regex engine's message). */
export function termProblem(term: string): string | undefined {
  if (term.trim() === '') return 'empty';
  if (term.length > MAX_TERM_CHARS) return `longer than ${MAX_TERM_CHARS} characters`;
  const m = PATTERN.exec(term);
  if (!m) return undefined;
  try {
    new RegExp(m[1] ?? '', m[2] || 'i');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The first entry of `list` that `prompt` matches, as the admin wrote it. */
export function blockedTerm(prompt: string, list: readonly string[]): string | undefined {
  const text = prompt.normalize('NFKC');
  for (const term of list) {
    if (matches(text, term)) return term;
  }
  return undefined;
}

function matches(text: string, term: string): boolean {
  const m = PATTERN.exec(term);
  if (m) {
    try {
      return new RegExp(m[1] ?? '', m[2] || 'i').test(text);
    } catch {
      return false; // checked when added; a bad stored entry refuses nothing
    }
  }
  const word = term.normalize('NFKC').trim().toLowerCase();
  if (word === '') return false;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (/^[\p{L}\p{N}_' -]+$/u.test(word) && /^[\x20-\x7e]+$/.test(word)) {
    return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'iu').test(text);
  }
  return text.toLowerCase().includes(word);
}

/** Just enough Markdown reading for the docs tests: links, headings and GitHub's heading anchors. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

/** README.md and every page in docs/, as paths relative to the repository root. */
export function docFiles(): string[] {
  const pages = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', ...pages.sort()];
}

export function readDoc(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/** The text with fenced code blocks blanked out (their lines kept, so line numbers hold). */
export function withoutCodeBlocks(text: string): string {
  let fence: string | undefined;
  return text
    .split('\n')
    .map((line) => {
      const m = /^\s*(`{3,}|~{3,})/.exec(line);
      if (m?.[1]) {
        if (fence === undefined) fence = m[1];
        else if (m[1].startsWith(fence)) fence = undefined;
        return '';
      }
      return fence === undefined ? line : '';
    })
    .join('\n');
}

export interface Link {
  line: number;
  target: string;
}

/** Inline links and images `[text](target)`, outside code blocks and inline code. */
export function linksIn(text: string): Link[] {
  const out: Link[] = [];
  withoutCodeBlocks(text)
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
      for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        if (m[1]) out.push({ line: i + 1, target: m[1] });
      }
    });
  return out;
}

/**
 * GitHub's anchor for a heading: lower case, markup and punctuation dropped (hyphens and
 * underscores kept), each space a hyphen; a repeated anchor gets `-1`, `-2`, ...
 */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor the headings of `text` produce. */
export function anchorsIn(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of withoutCodeBlocks(text).split('\n')) {
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m?.[1]) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Whether `target` leaves the repository (a URL with a scheme, or a protocol-relative one). */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/** Where a relative link from `file` points, relative to the repository root. */
export function resolveFrom(file: string, path: string): string {
  return relative(ROOT, join(ROOT, file, '..', decodeURIComponent(path)));
}

export const existsInRepo = (path: string) => existsSync(join(ROOT, path));

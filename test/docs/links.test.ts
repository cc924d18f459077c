import { describe, expect, it } from 'vitest';
import {
  anchorsIn,
  docFiles,
  existsInRepo,
  isExternal,
  linksIn,
  readDoc,
  resolveFrom,
  slug,
  withoutCodeBlocks,
} from './markdown.ts';

/** Every relative link in README.md and docs/*.md that does not lead where it says. */
function brokenLinks(): string[] {
  const broken: string[] = [];
  for (const file of docFiles()) {
    for (const { line, target } of linksIn(readDoc(file))) {
      if (isExternal(target)) continue;
      const hash = target.indexOf('#');
      const path = hash >= 0 ? target.slice(0, hash) : target;
      const anchor = hash >= 0 ? decodeURIComponent(target.slice(hash + 1)) : undefined;
      const dest = path === '' ? file : resolveFrom(file, path);
      const where = `${file}:${line} → ${target}`;
      if (!existsInRepo(dest)) {
        broken.push(`${where}: no file ${dest}`);
        continue;
      }
      if (anchor !== undefined && dest.endsWith('.md') && !anchorsIn(readDoc(dest)).has(anchor)) {
        broken.push(`${where}: no heading in ${dest} makes #${anchor}`);
      }
    }
  }
  return broken;
}

describe('documentation links', () => {
  it('README.md links to the docs pages', () => {
    const targets = linksIn(readDoc('README.md')).map((l) => l.target.split('#')[0]);
    for (const page of docFiles().filter((f) => f !== 'README.md')) expect(targets).toContain(page);
  });

  it('every relative link in README.md and docs/*.md points at a file that exists, and at a heading there', () => {
    expect(brokenLinks()).toEqual([]);
  });
});

describe('the markdown reading the link check relies on', () => {
  it('makes GitHub-style anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered', () => {
    expect(slug('Several instances (`REDIS_URL`)')).toBe('several-instances-redis_url');
    expect(slug('5. Use it')).toBe('5-use-it');
    expect(slug('Benchmark (`npm run bench`)')).toBe('benchmark-npm-run-bench');
    expect(slug('Who pays for a failure — and why')).toBe('who-pays-for-a-failure--and-why');
    expect([...anchorsIn('# A\n## Notes\n### Notes\n```\n# not a heading\n```\n')]).toEqual([
      'a',
      'notes',
      'notes-1',
    ]);
  });

  it('finds links outside code, with their line, and skips code blocks and inline code', () => {
    const text = 'See [a](a.md) and `[b](b.md)`.\n```\n[c](c.md)\n```\n![img](pics/x.png "title")';
    expect(linksIn(text)).toEqual([
      { line: 1, target: 'a.md' },
      { line: 5, target: 'pics/x.png' },
    ]);
    expect(withoutCodeBlocks('a\n```sh\nb\n```\nc')).toBe('a\n\n\n\nc');
  });

  it('tells links that leave the repository from relative ones', () => {
    expect(isExternal('https://discord.com/developers')).toBe(true);
    expect(isExternal('mailto:ops@example.com')).toBe(true);
    expect(isExternal('docs/discord.md#5-use-it')).toBe(false);
    expect(isExternal('#quick-start')).toBe(false);
  });
});

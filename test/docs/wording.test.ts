import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles, ROOT, readDoc } from './markdown.ts';

/** Lines of the docs matching `pattern`, as `file:line: text`. */
function linesMatching(pattern: RegExp): string[] {
  const out: string[] = [];
  for (const file of docFiles()) {
    readDoc(file)
      .split('\n')
      .forEach((line, i) => {
        if (pattern.test(line)) out.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  return out;
}

describe('the docs speak to operators and developers', () => {
  it('mention no issue numbers', () => {
    expect(linesMatching(/\bissue\s*#?\d+/i)).toEqual([]);
  });

  it('say nothing of how requirements came about ("the spec", "seeds")', () => {
    expect(linesMatching(/\bthe spec\b|\bspecification\b|\bseeds?\b/i)).toEqual([]);
  });
});

describe('docs/configuration.md lists the configuration', () => {
  const page = readDoc('docs/configuration.md');
  const documented = (name: string) => page.includes(`| \`${name}\` |`);

  it('every variable the config schema reads has a row', () => {
    const source = readFileSync(join(ROOT, 'src/config/config.ts'), 'utf8');
    const schema = source.slice(source.indexOf('const schema = z.object({'), source.indexOf('\n});'));
    const names = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] ?? '');
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((n) => !documented(n))).toEqual([]);
  });

  it('every variable in .env.example has a row', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const names = [...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] ?? '');
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !documented(n))).toEqual([]);
  });
});

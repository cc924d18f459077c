import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './bot-process.ts';

/** There is no Docker engine where the tests run; these check the files' essentials instead. */
const read = (name: string) => readFileSync(join(REPO_ROOT, name), 'utf8');

interface Stage {
  from: string;
  name: string | undefined;
  lines: string[];
}

/** Dockerfile instructions (continuations joined, comments dropped), grouped by stage. */
function stages(text: string): { args: string[]; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const out: Stage[] = [];
  const args: string[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ from: from[1] ?? '', name: from[2], lines: [] });
    else if (out.length === 0) args.push(line);
    else out.at(-1)?.lines.push(line);
  }
  return { args, stages: out };
}

describe('Dockerfile', () => {
  const { args, stages: all } = stages(read('Dockerfile'));
  const build = all[0];
  const runtime = all.at(-1);
  const has = (stage: Stage | undefined, re: RegExp) => stage?.lines.some((l) => re.test(l)) ?? false;

  it('is multi-stage on a current Node LTS bookworm-slim image', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const version = /^ARG NODE_VERSION=(\d+)$/.exec(args.find((a) => a.startsWith('ARG NODE_VERSION')) ?? '');
    expect(Number(version?.[1])).toBeGreaterThanOrEqual(22);
    // The literal Dockerfile variable, not a JS template.
    for (const s of all) expect(s.from).toBe(['node:$', '{NODE_VERSION}-bookworm-slim'].join(''));
  });

  it('builds with npm ci, native build tools, the build script and drops dev dependencies', () => {
    expect(has(build, /apt-get install .*python3.*make.*g\+\+/)).toBe(true);
    expect(has(build, /^COPY package\.json package-lock\.json/)).toBe(true);
    expect(has(build, /^RUN npm ci\b/)).toBe(true);
    expect(has(build, /npm run build/)).toBe(true);
    expect(has(build, /^COPY scripts\/build\.mjs/)).toBe(true);
    expect(has(build, /npm prune --omit=dev/)).toBe(true);
  });

  it('runs as a non-root user with data in the /data volume', () => {
    const user = runtime?.lines.filter((l) => /^USER\s/.test(l)).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(:|$)/);
    expect(has(runtime, /^VOLUME\s+\/data$|^VOLUME\s+\["\/data"\]$/)).toBe(true);
    expect(has(runtime, /DATA_DIR=\/data\b/)).toBe(true);
    expect(has(runtime, /STORE_URL=sqlite:\/\/\/data\/reelbot\.sqlite\b/)).toBe(true);
    expect(has(runtime, /chown node:node \/data/)).toBe(true);
    // Nothing copied in from outside the build stage except the small bin/ launcher.
    const copies = runtime?.lines.filter((l) => l.startsWith('COPY')) ?? [];
    for (const c of copies) expect(c).toMatch(/^COPY (--from=build |bin )/);
  });

  it('exposes the ops port, checks /healthz with node and starts dist/main.js', () => {
    expect(has(runtime, /METRICS_PORT=9464\b/)).toBe(true);
    expect(has(runtime, /METRICS_HOST=0\.0\.0\.0\b/)).toBe(true);
    expect(has(runtime, /^EXPOSE 9464$/)).toBe(true);
    const health = runtime?.lines.find((l) => l.startsWith('HEALTHCHECK')) ?? '';
    expect(health).toMatch(/CMD \["node", "-e", ".*\/healthz/);
    expect(health).not.toMatch(/curl|wget/);
    // The image runs the bot as `npm start` does: the same node flags (the bench takes them from there too).
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    expect(start).toMatch(/^node (--\S+ )*dist\/main\.js$/);
    const argv = start.split(' ').map((a) => JSON.stringify(a));
    expect(runtime?.lines.at(-1)).toBe(`CMD [${argv.join(', ')}]`);
  });

  it('copies only files that exist in the repository', () => {
    const sources = (build?.lines ?? [])
      .filter((l) => l.startsWith('COPY') && !l.includes('--from'))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src']));
    for (const s of sources)
      expect(() => readFileSync(join(REPO_ROOT, s === 'src' ? 'src/main.ts' : s))).not.toThrow();
  });
});

describe('.dockerignore', () => {
  const ignored = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('keeps secrets, local data and host-built modules out of the build context', () => {
    expect(ignored).toEqual(
      expect.arrayContaining(['.env', 'node_modules', 'data', 'dist', '.git', '*.sqlite']),
    );
  });
});

describe('compose.yaml', () => {
  const compose = read('compose.yaml');

  it('has env_file, the /data volume, a node health check, a restart policy and time to shut down', () => {
    expect(compose).toMatch(/^\s+env_file: \.env$/m);
    expect(compose).toMatch(/^\s+- reelbot-data:\/data$/m);
    expect(compose).toMatch(/^volumes:\n\s+reelbot-data:/m);
    expect(compose).toMatch(/^\s+restart: unless-stopped$/m);
    expect(compose).toMatch(/healthcheck:\n\s+test:\n\s+- CMD\n\s+- node/);
    expect(compose).toMatch(/\/healthz/);
    const grace = /stop_grace_period: (\d+)s/.exec(compose);
    expect(Number(grace?.[1])).toBeGreaterThan(10);
  });

  it('keeps the database in the volume even when .env names another STORE_URL', () => {
    expect(compose).toMatch(/environment:[\s\S]*STORE_URL: sqlite:\/\/\/data\/reelbot\.sqlite/);
    expect(compose).toMatch(/environment:[\s\S]*DATA_DIR: \/data/);
  });
});

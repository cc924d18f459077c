/** manifest.yml must offer exactly the commands the adapter handles, with the same hints. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLACK_COMMANDS } from '../../src/platforms/slack/commands/slack-commands.ts';

const manifest = readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8');

/** The slash_commands entries, read line by line (the manifest is simple, flat YAML). */
function manifestCommands(): { command: string; description?: string; usage_hint?: string }[] {
  const out: { command: string; description?: string; usage_hint?: string }[] = [];
  for (const line of manifest.split('\n')) {
    const start = /^\s+- command: (\S+)\s*$/.exec(line);
    if (start?.[1]) {
      out.push({ command: start[1] });
      continue;
    }
    const field = /^\s+(description|usage_hint): (.*)$/.exec(line);
    const last = out.at(-1);
    if (field?.[1] && last && line.startsWith('      ')) {
      last[field[1] as 'description' | 'usage_hint'] = (field[2] ?? '').trim();
    }
  }
  return out;
}

describe('manifest.yml', () => {
  it('lists every slash command the adapter registers, with matching description and usage hint', () => {
    const listed = manifestCommands();
    expect(listed.map((c) => c.command)).toEqual(SLACK_COMMANDS.map((c) => c.name));
    for (const c of SLACK_COMMANDS) {
      const m = listed.find((x) => x.command === c.name);
      expect(m?.description).toBe(c.description);
      expect(m?.usage_hint ?? '').toBe(c.usageHint);
    }
  });

  it('turns on Socket Mode and interactivity and asks for the scopes the adapter uses', () => {
    expect(manifest).toMatch(/socket_mode_enabled: true/);
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true/);
    for (const scope of [
      'commands',
      'chat:write',
      'chat:write.public',
      'files:write',
      'files:read',
      'users:read',
    ]) {
      expect(manifest).toContain(`      - ${scope}\n`);
    }
  });
});

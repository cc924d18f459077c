/**
 * Hostile prompts and authorisation through the real discord.js client and the fake Discord:
 * every bot message disables mentions and stays within Discord's limits with no raw control
 * characters; cancel, admin commands and allowed channels are enforced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonsOf, DiscordHarness } from '../discord/discord-harness.ts';
import type { Json, RecordedRequest } from '../fakes/discord/fake-state.ts';

let h: DiscordHarness;
beforeAll(async () => {
  h = await DiscordHarness.start();
});
afterAll(async () => {
  await h.close();
});

const HOSTILE = [
  '@everyone @here <@300000000000000002> <@&400000000000000001> <@!1> <#500000000000000002>',
  '**bold** __under__ ~~strike~~ ||spoiler|| [link](https://evil.test) # Heading',
  '```js\nalert(1)\n``` `code` > quote',
  'zero\u200bwidth\u200d \u202eRTL override\u202c \u200fmark',
  'ctrl\u0000\u0007\u001b[2J\u007f chars',
].join(' ');

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** The message payload a request carries (REST body, or an interaction callback's `data`). */
function payloadOf(r: RecordedRequest): Json | undefined {
  const body = r.body as Json | undefined;
  if (!body) return undefined;
  if (r.route.startsWith('POST /interactions')) return body.data as Json | undefined;
  return body;
}

function expectSafe(r: RecordedRequest): void {
  const p = payloadOf(r);
  if (!p || (p.content === undefined && p.embeds === undefined)) return;
  const where = `${r.method} ${r.path}`;
  expect(p.allowed_mentions, `${where} allowed_mentions`).toEqual({ parse: [] });
  expect(String(p.content ?? '').length, `${where} content length`).toBeLessThanOrEqual(2000);
  expect(
    strings([p.content, p.embeds]).some((t) => CONTROL.test(t)),
    `${where} control characters`,
  ).toBe(false);
  for (const e of (p.embeds ?? []) as Json[]) {
    expect(String(e.description ?? '').length).toBeLessThanOrEqual(4096);
    expect(String(e.title ?? '').length).toBeLessThanOrEqual(256);
  }
}

/** Every string inside a JSON value. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

const alice = () => ({
  platform: 'discord' as const,
  userId: h.fake.users.alice.id,
  displayName: 'alice',
  isAdmin: false,
});
const bob = () => ({ ...alice(), userId: h.fake.users.bob.id });

describe('Discord hostile prompts', () => {
  it('a prompt with @everyone, user and role mentions, markdown and masked links, code fences, zero-width, RTL and control characters: every bot message has allowed_mentions parse [], links escaped, no raw control characters', async () => {
    const i = await h.video({ options: { prompt: HOSTILE } });
    const msg = await h.delivered(() => i.original()?.id);
    expect(strings(msg.embeds).some((t) => CONTROL.test(t))).toBe(false);
    expect(strings(msg.embeds).join(' ')).toContain('\u202eRTL override');
    // Found: masked links in the prompt rendered as clickable links under the bot's name.
    const description = String(msg.embeds[0]?.description);
    expect(description).toContain('\\[link](https://evil.test)');
    expect(description).not.toMatch(/(^|[^\\])\[link\]\(/);
    const sent = h.fake.requests().filter((r) => r.method === 'POST' || r.method === 'PATCH');
    expect(sent.length).toBeGreaterThan(2);
    for (const r of sent) expectSafe(r);
  });

  it('a 4,000-character prompt full of mentions (the option maximum) fits every message limit', async () => {
    const long = '<@300000000000000002> @everyone '.repeat(130).slice(0, 4000);
    const before = h.fake.requests().length;
    const i = await h.video({ options: { prompt: long } });
    await h.delivered(() => i.original()?.id);
    for (const r of h.fake.requests().slice(before)) {
      expect(r.status, `${r.method} ${r.path}`).toBeLessThan(400);
      expectSafe(r);
    }
  });

  it('a 10,000-character prompt is refused privately with the limit, nothing charged', async () => {
    const used = (await h.engine.usage(alice(), h.fake.guildId)).videos.used;
    const i = await h.fake.sendCommand({ name: 'video', options: { prompt: 'y'.repeat(10_000) } });
    const reply = await h.fake.waitFor(() => i.followups()[0] ?? undefined, 10_000);
    expect(reply.flags & 64).toBe(64);
    expect(reply.content).toMatch(/4000/);
    expect((await h.engine.usage(alice(), h.fake.guildId)).videos.used).toBe(used);
  });
});

describe('Discord authorisation', () => {
  it('Cancel: a stranger is refused, a member with Manage Server may cancel anyone’s job', async () => {
    const i = await h.video({ options: { prompt: 'a very long corridor [never]' } });
    const msg = await h.fake.waitFor(() => {
      const m = i.original();
      return m && buttonsOf(m).some((id) => id.startsWith('rb:cancel:')) ? m : undefined;
    }, 15_000);
    const cancel = buttonsOf(msg).find((id) => id.startsWith('rb:cancel:'))!;
    const stranger = await h.fake.clickButton(msg.id, cancel, h.fake.users.bob);
    expect(await h.fake.waitFor(() => stranger.original()?.content || undefined)).toMatch(/Only the person/);
    const job = (await h.engine.usage(alice(), h.fake.guildId)).active.jobs.find((j) =>
      j.prompt.includes('corridor'),
    );
    expect(job?.state).not.toBe('cancelled');
    const mod = await h.fake.clickButton(msg.id, cancel, h.fake.users.mod);
    await h.fake.waitFor(() => mod.original()?.content || undefined);
    const done = await h.fake.waitFor(() => {
      const m = h.fake.message(msg.id);
      return m && String(m.embeds[0]?.title).includes('Cancelled') ? m : undefined;
    });
    expect(JSON.stringify(done.embeds)).toMatch(/mod/i);
  });

  it('/video-admin from a member without Manage Server is refused privately and changes nothing', async () => {
    const i = await h.fake.sendCommand({
      name: 'video-admin',
      subcommand: 'server-cap',
      options: { videos: 0 },
      user: h.fake.users.alice,
    });
    const reply = await h.fake.waitFor(() => i.original()?.content || undefined, 10_000);
    expect(reply).toMatch(/admin|Manage Server/i);
    const usage = await h.engine.usage(alice(), h.fake.guildId);
    expect(usage.workspace.limit).not.toBe(0);
  });

  it('with allowed channels set, /video in another channel is refused privately and nothing is charged', async () => {
    await h.engine.setAllowedChannels('discord', h.fake.guildId, [h.fake.channels.general.id]);
    try {
      const used = (await h.engine.usage(bob(), h.fake.guildId)).videos.used;
      const creates = h.sim.stats.count('create');
      const i = await h.fake.sendCommand({
        name: 'video',
        options: { prompt: 'in the wrong room' },
        user: h.fake.users.bob,
        channelId: h.fake.channels.random.id,
      });
      const reply = await h.fake.waitFor(() => i.followups()[0] ?? undefined, 10_000);
      expect(reply.flags & 64).toBe(64);
      expect(reply.content).toMatch(/channel/);
      expect(i.original()).toBeUndefined();
      expect((await h.engine.usage(bob(), h.fake.guildId)).videos.used).toBe(used);
      expect(h.sim.stats.count('create')).toBe(creates);
    } finally {
      await h.engine.setAllowedChannels('discord', h.fake.guildId, null);
    }
  });
});

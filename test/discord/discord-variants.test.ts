/** Variants on Discord end to end: n upstream jobs, each charged, shown together, each with its own buttons. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonsOf, DiscordHarness } from './discord-harness.ts';

let h: DiscordHarness;

beforeAll(async () => {
  h = await DiscordHarness.start({ env: { QUOTA_ACTIVE_JOBS: '10', QUOTA_DAILY_SECONDS: '10000' } });
});
afterAll(async () => {
  await h?.close();
});

describe('Discord variants', () => {
  it('variants:3 makes three jobs, charged three times; the others answer the first message; each has Remix and Re-roll', async () => {
    const alice = h.fake.users.alice;
    const before = await h.videosUsed(alice.id);
    const i = await h.video({
      options: { prompt: 'three takes of a waterfall', seconds: 4, variants: 3 },
      user: alice,
    });
    const first = await h.delivered(() => i.original()?.id);
    expect(JSON.stringify(first.embeds)).toContain('Variant 1 of 3');
    const others = await h.fake.waitFor(() => {
      const replies = h.fake
        .messages(h.fake.channels.general.id)
        .filter((m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === first.id);
      return replies.length === 2 && replies.every((m) => String(m.embeds[0]?.title).startsWith('✅'))
        ? replies
        : undefined;
    }, 20_000);
    const labels = others.map((m) => JSON.stringify(m.embeds)).join(' ');
    expect(labels).toContain('Variant 2 of 3');
    expect(labels).toContain('Variant 3 of 3');
    for (const m of [first, ...others]) {
      expect(m.attachments.some((a) => a.filename.endsWith('.mp4'))).toBe(true);
      expect(buttonsOf(m).some((b) => b.startsWith('rb:remix:'))).toBe(true);
      expect(buttonsOf(m).some((b) => b.startsWith('rb:reroll:'))).toBe(true);
    }
    expect(await h.videosUsed(alice.id)).toBe(before + 3);
    // A re-roll of one variant is one job.
    const reroll = buttonsOf(others[0]!).find((b) => b.startsWith('rb:reroll:'))!;
    const click = await h.fake.clickButton(others[0]!.id, reroll, alice);
    await h.delivered(() => click.original()?.id);
    expect(await h.videosUsed(alice.id)).toBe(before + 4);
  });

  it('variants past the daily limit are not made or charged, and the requester is told', async () => {
    const bob = h.fake.users.bob;
    await h.engine.setUserLimits('discord', h.fake.guildId, bob.id, { dailyVideos: 2 });
    const i = await h.video({
      options: { prompt: 'four takes of a fox', seconds: 4, variants: 4 },
      user: bob,
    });
    const notice = await h.fake.waitFor(
      () => i.followups().find((m) => m.content.includes('variants were started'))?.content,
      10_000,
    );
    expect(notice).toContain('Only 2 of the 4 variants were started');
    expect(notice).toContain('2 of your 2 videos');
    expect(await h.videosUsed(bob.id)).toBe(2);
  });
});

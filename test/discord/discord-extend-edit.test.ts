/**
 * Extend and Edit on Discord against the simulator: the dialogs, the new video as a child in
 * the lineage, and quotas charged by the added seconds (refunded exactly when the upstream fails).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/engine-api.ts';
import { buttonsOf, DiscordHarness } from './discord-harness.ts';

describe('Extend and Edit on Discord', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await DiscordHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  const usedSeconds = async (userId: string) => {
    const actor: Actor = { platform: 'discord', userId, displayName: 'x', isAdmin: false };
    return (await h.engine.usage(actor, h.fake.guildId)).seconds.used;
  };

  const source = async (prompt: string) => {
    const i = await h.video({ options: { prompt, seconds: 4 }, user: h.fake.users.alice });
    const msg = await h.delivered(() => i.original()?.id);
    const extend = buttonsOf(msg).find((id) => id.startsWith('rb:extend:job_'));
    const edit = buttonsOf(msg).find((id) => id.startsWith('rb:edit:job_'));
    return { msg, extend, edit };
  };

  it('Extend asks what happens next and for how long, and the result is a child "extended from" the source', async () => {
    const { msg, extend } = await source('a fox at the edge of a forest');
    expect(extend).toBeDefined();
    const before = await usedSeconds(h.fake.users.bob.id);
    const click = await h.fake.clickButton(msg.id, extend!, h.fake.users.bob);
    const modal = await click.response();
    expect(modal.type).toBe(9);
    expect(JSON.stringify(modal.data)).toContain('What happens next?');
    const submit = await h.fake.submitModal({
      customId: String(modal.data?.custom_id),
      fields: { next: 'the fox runs into the trees', seconds: '8' },
      user: h.fake.users.bob,
    });
    const result = await h.delivered(() => submit.original()?.id);
    expect(result.embeds[0]?.description).toBe('the fox runs into the trees');
    const fields = JSON.stringify(result.embeds[0]?.fields);
    expect(fields).toContain('Extended from');
    expect(fields).toContain(`https://discord.com/channels/${h.fake.guildId}/${msg.channel_id}/${msg.id}`);
    // Charged by the 8 added seconds only.
    expect((await usedSeconds(h.fake.users.bob.id)) - before).toBe(8);
    const job = await h.engine.findJobByVideoId(/`([^`]+)`/.exec(fields)?.[1] ?? '');
    expect(job?.kind).toBe('extend');
    const [self, parent] = await h.engine.lineage(job!.videoId!);
    expect(self?.videoId).toBe(job?.videoId);
    expect(parent?.prompt).toBe('a fox at the edge of a forest');
    // The upstream's video is the source plus the added seconds.
    const upstream = await fetch(`${h.sim.url}/videos/${job!.videoId}`, {
      headers: { authorization: `Bearer ${h.sim.options.apiKey}` },
    });
    expect(((await upstream.json()) as { seconds: string }).seconds).toBe('12');
  });

  it('Edit changes the video, inherits its length, and shows "edit of" the source', async () => {
    const { msg, edit } = await source('a lighthouse at dusk');
    expect(edit).toBeDefined();
    const click = await h.fake.clickButton(msg.id, edit!, h.fake.users.alice);
    const modal = await click.response();
    expect(modal.type).toBe(9);
    const submit = await h.fake.submitModal({
      customId: String(modal.data?.custom_id),
      fields: { change: 'paint the lighthouse red' },
    });
    const result = await h.delivered(() => submit.original()?.id);
    expect(JSON.stringify(result.embeds[0]?.fields)).toContain('Edit of');
    expect(JSON.stringify(result.embeds[0]?.fields)).toContain('4s');
  });

  it('a length that is not offered is refused privately and nothing is charged', async () => {
    const { msg, extend } = await source('rain on a window');
    const before = await usedSeconds(h.fake.users.bob.id);
    const click = await h.fake.clickButton(msg.id, extend!, h.fake.users.bob);
    const modal = await click.response();
    const submit = await h.fake.submitModal({
      customId: String(modal.data?.custom_id),
      fields: { next: 'the rain stops', seconds: '7' },
      user: h.fake.users.bob,
    });
    const reply = await h.fake.waitFor(() => submit.original()?.content || undefined);
    expect(reply).toContain('4, 8, 12');
    expect(await usedSeconds(h.fake.users.bob.id)).toBe(before);
  });

  it('an extension the upstream fails is refunded exactly', async () => {
    const { msg, extend } = await source('a kite over dunes');
    const before = await usedSeconds(h.fake.users.bob.id);
    const click = await h.fake.clickButton(msg.id, extend!, h.fake.users.bob);
    const modal = await click.response();
    const submit = await h.fake.submitModal({
      customId: String(modal.data?.custom_id),
      fields: { next: 'the kite string snaps [fail]', seconds: '4' },
      user: h.fake.users.bob,
    });
    await h.fake.waitFor(() => {
      const m = submit.original();
      return m && String(m.embeds[0]?.title ?? '').startsWith('⚠️') ? m : undefined;
    }, 15_000);
    await expect.poll(() => usedSeconds(h.fake.users.bob.id)).toBe(before);
  });
});

describe('Extend and Edit where the upstream lacks the routes', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await DiscordHarness.start({ sim: { editRoutes: false } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('results show Remix and Re-roll but no Extend or Edit', async () => {
    const i = await h.video({ options: { prompt: 'a quiet harbour' } });
    const msg = await h.delivered(() => i.original()?.id);
    const ids = buttonsOf(msg);
    expect(ids.some((id) => id.startsWith('rb:remix:'))).toBe(true);
    expect(ids.some((id) => id.startsWith('rb:extend:'))).toBe(false);
    expect(ids.some((id) => id.startsWith('rb:edit:'))).toBe(false);
  });
});

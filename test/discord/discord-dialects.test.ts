/**
 * Discord end to end against gateway variations with `VIDEO_API_DIALECT=auto`: the form-only
 * remix upstream (probing guesses the wrong spelling) and LiteLLM's long base64 ids (too long for
 * a Discord custom id, so the Remix button carries the job instead). Remix works on both, and
 * only made videos count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonsOf, DiscordHarness } from './discord-harness.ts';

describe.each([
  ['form-remix', 'rb:remix:'],
  ['litellm', 'rb:remix-job:job_'],
] as const)('Discord against a %s-like upstream (auto)', (dialect, button) => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await DiscordHarness.start({ sim: { dialect }, env: { VIDEO_API_DIALECT: 'auto' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('/video then Remix delivers the remix, charged as one video', async () => {
    const i = await h.video({ options: { prompt: 'a lighthouse at dawn' }, user: h.fake.users.alice });
    const source = await h.delivered(() => i.original()?.id);
    const remixId = buttonsOf(source).find((id) => id.startsWith('rb:remix'));
    expect(remixId?.startsWith(button)).toBe(true);
    const click = await h.fake.clickButton(source.id, remixId!, h.fake.users.bob);
    const modal = await click.response();
    const submit = await h.fake.submitModal({
      customId: String(modal.data?.custom_id),
      fields: { change: 'make it night time' },
      user: h.fake.users.bob,
    });
    const remix = await h.delivered(() => submit.original()?.id);
    expect(remix.embeds[0]?.description).toBe('make it night time');
    expect(remix.attachments.some((a) => a.filename.endsWith('.mp4'))).toBe(true);
    const sourceVideo = h.sim.jobs().find((j) => j.prompt === 'a lighthouse at dawn');
    expect(h.sim.jobs().find((j) => j.prompt === 'make it night time')?.remixedFromVideoId).toBe(
      sourceVideo?.id,
    );
    const bob = {
      platform: 'discord' as const,
      userId: h.fake.users.bob.id,
      displayName: 'bob',
      isAdmin: false,
    };
    expect((await h.engine.usage(bob, h.fake.guildId)).videos.used).toBe(1);
  });
});

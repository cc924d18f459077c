/**
 * Discord end to end against the form-only remix upstream with `VIDEO_API_DIALECT=auto`: the
 * Remix button works although probing guesses the wrong spelling, and only made videos count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonsOf, DiscordHarness } from './discord-harness.ts';

let h: DiscordHarness;

beforeAll(async () => {
  h = await DiscordHarness.start({ sim: { dialect: 'form-remix' }, env: { VIDEO_API_DIALECT: 'auto' } });
});
afterAll(async () => {
  await h?.close();
});

describe('Discord against a form-only remix upstream (auto)', () => {
  it('/video then Remix delivers the remix, charged as one video', async () => {
    const i = await h.video({ options: { prompt: 'a lighthouse at dawn' }, user: h.fake.users.alice });
    const source = await h.delivered(() => i.original()?.id);
    const remixId = buttonsOf(source).find((id) => id.startsWith('rb:remix:'))!;
    const click = await h.fake.clickButton(source.id, remixId, h.fake.users.bob);
    const modal = await click.response();
    const submit = await h.fake.submitModal({
      customId: String(modal.data?.custom_id),
      fields: { change: 'make it night time' },
      user: h.fake.users.bob,
    });
    const remix = await h.delivered(() => submit.original()?.id);
    expect(remix.embeds[0]?.description).toBe('make it night time');
    expect(remix.attachments.some((a) => a.filename.endsWith('.mp4'))).toBe(true);
    const bob = {
      platform: 'discord' as const,
      userId: h.fake.users.bob.id,
      displayName: 'bob',
      isAdmin: false,
    };
    expect((await h.engine.usage(bob, h.fake.guildId)).videos.used).toBe(1);
  });
});

/** Private mode on Discord end to end: ephemeral job message, the MP4 by DM, Re-roll/Remix/Delete from the DM. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/discord/fake-state.ts';
import { buttonsOf, DiscordHarness } from './discord-harness.ts';

let h: DiscordHarness;

beforeAll(async () => {
  h = await DiscordHarness.start({ env: { QUOTA_ACTIVE_JOBS: '10', QUOTA_DAILY_SECONDS: '10000' } });
});
afterAll(async () => {
  await h?.close();
});

const EPHEMERAL = 64;
const dmOf = (userId: string) => h.fake.state.dmWith(userId).id;
const dmVideos = (userId: string): StoredMessage[] =>
  [...h.fake.state.messages.values()].filter(
    (m) =>
      m.channel_id === dmOf(userId) && !m.deleted && m.attachments.some((a) => a.filename.endsWith('.mp4')),
  );
const publicMessages = () => h.fake.messages(h.fake.channels.general.id).filter((m) => !m.deleted);

describe('Discord private mode', () => {
  it('private:true — the job message is ephemeral, the MP4 comes by DM, nothing in the channel, charged once', async () => {
    const alice = h.fake.users.alice;
    const before = await h.videosUsed(alice.id);
    const publicBefore = publicMessages().length;
    const i = await h.video({
      options: { prompt: 'a secret garden', seconds: 4, private: true },
      user: alice,
    });
    expect(Number(h.fake.interactionResponses(i.id).callback?.data?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    const video = await h.fake.waitFor(() => dmVideos(alice.id)[0], 15_000);
    expect(video.embeds[0]?.description).toBe('a secret garden');
    expect(buttonsOf(video).some((b) => b.startsWith('rb:reroll:'))).toBe(true);
    const note = await h.fake.waitFor(() => {
      const m = i.original();
      return m?.content.includes('direct message') ? m : undefined;
    }, 10_000);
    expect(note.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(publicMessages().length).toBe(publicBefore);
    expect(await h.videosUsed(alice.id)).toBe(before + 1);
  });

  it('Re-roll, Remix and Delete work from the DM and stay private', async () => {
    const alice = h.fake.users.alice;
    const publicBefore = publicMessages().length;
    const first = dmVideos(alice.id)[0]!;
    const reroll = await h.fake.clickButton(
      first.id,
      buttonsOf(first).find((b) => b.startsWith('rb:reroll:'))!,
      alice,
    );
    await reroll.response();
    await h.fake.waitFor(() => dmVideos(alice.id).length >= 2, 15_000);
    const remixClick = await h.fake.clickButton(
      first.id,
      buttonsOf(first).find((b) => b.startsWith('rb:remix:'))!,
      alice,
    );
    const modal = await remixClick.response();
    await h.fake.submitModal({
      customId: String(modal.data?.custom_id),
      fields: { change: 'make it night' },
      user: alice,
    });
    await h.fake.waitFor(
      () => dmVideos(alice.id).find((m) => m.embeds[0]?.description === 'make it night'),
      15_000,
    );
    expect(publicMessages().length).toBe(publicBefore);
    const del = await h.fake.clickButton(
      first.id,
      buttonsOf(first).find((b) => b.startsWith('rb:delete:'))!,
      alice,
    );
    await h.fake.waitFor(() => del.original()?.content.includes('Deleted') || undefined, 10_000);
    expect(h.fake.message(first.id)?.deleted).toBe(true);
  });

  it('a channel default makes /video there private', async () => {
    const set = await h.fake.sendCommand({
      name: 'settings',
      subcommand: 'channel',
      options: { channel: h.fake.channels.general.id, private: true },
      user: h.fake.users.mod,
    });
    expect(await h.fake.waitFor(() => set.original()?.content || undefined, 10_000)).toContain(
      'Private: on (channel default)',
    );
    const publicBefore = publicMessages().length;
    await h.video({ options: { prompt: 'quietly now', seconds: 4 }, user: h.fake.users.bob });
    await h.fake.waitFor(() => dmVideos(h.fake.users.bob.id)[0], 15_000);
    expect(publicMessages().length).toBe(publicBefore);
  });
});

/**
 * Team controls on Discord end to end (real discord.js + engine + simulator + fake Discord):
 * Details, Delete and /history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/discord/fake-state.ts';
import { buttonsOf, DiscordHarness } from './discord-harness.ts';

let h: DiscordHarness;

beforeAll(async () => {
  h = await DiscordHarness.start();
});
afterAll(async () => {
  await h?.close();
});

const button = (m: StoredMessage, prefix: string) => {
  const id = buttonsOf(m).find((b) => b.startsWith(prefix));
  if (!id) throw new Error(`no ${prefix} button on ${m.id}: ${buttonsOf(m).join(', ')}`);
  return id;
};

async function ephemeralAnswer(click: { original(): StoredMessage | undefined }) {
  return h.fake.waitFor(() => {
    const m = click.original();
    return m && (m.content || m.embeds.length > 0) ? m : undefined;
  });
}

describe('Discord team controls', () => {
  it('registers /history with a Chinese name', () => {
    const cmds = h.fake.registeredCommands() ?? [];
    const history = cmds.find((c) => c.name === 'history');
    expect(history?.name_localizations).toMatchObject({ 'zh-CN': '历史' });
    expect(history?.description_localizations).toHaveProperty('zh-CN');
  });

  it('Details shows the clicker alone the full prompt, ids and a /video command that reproduces it', async () => {
    const i = await h.video({
      options: { prompt: 'a *heron* wading `at` dusk', size: '720x1280', seconds: 8 },
      user: h.fake.users.alice,
    });
    const msg = await h.delivered(() => i.original()?.id);
    const job = (await h.engine.getJob(button(msg, 'rb:details:').slice('rb:details:'.length)))!;
    const click = await h.fake.clickButton(msg.id, button(msg, 'rb:details:'), h.fake.users.bob);
    const answer = await ephemeralAnswer(click);
    expect(answer.flags & 64).toBe(64);
    const shown = JSON.stringify(answer.embeds);
    expect(answer.embeds[0]?.title).toBe('Video details');
    expect(shown).toContain('heron');
    expect(shown).toContain(job.id);
    expect(shown).toContain(job.videoId!);
    expect(shown).toContain('/video prompt:a *heron* wading ˋatˋ dusk size:720x1280 seconds:8 model:sora-2');
    // The job message itself did not change for anyone else.
    expect(h.fake.message(msg.id)?.embeds[0]?.title).toBe(msg.embeds[0]?.title);
  });

  it('Details reads in Chinese for a zh-CN clicker', async () => {
    const i = await h.video({ options: { prompt: 'rain on a tin roof' } });
    const msg = await h.delivered(() => i.original()?.id);
    const click = await h.fake.clickButton(msg.id, button(msg, 'rb:details:'), h.fake.users.carol, {
      locale: 'zh-CN',
    });
    const answer = await ephemeralAnswer(click);
    expect(answer.embeds[0]?.title).toBe('视频详情');
    expect(JSON.stringify(answer.embeds)).toContain('再做一次的命令');
  });

  it('Delete is refused to a stranger; the requester deletes it here and upstream, quota unchanged, remixes keep the parent as deleted', async () => {
    const before = await h.videosUsed(h.fake.users.alice.id);
    const i = await h.video({ options: { prompt: 'a paper boat in a gutter' }, user: h.fake.users.alice });
    const source = await h.delivered(() => i.original()?.id);
    const sourceJob = (await h.engine.getJob(button(source, 'rb:details:').slice('rb:details:'.length)))!;
    // Bob remixes it first.
    const remixClick = await h.fake.clickButton(source.id, button(source, 'rb:remix:'), h.fake.users.bob);
    const modal = await remixClick.response();
    const submit = await h.fake.submitModal({
      customId: String(modal.data?.custom_id),
      fields: { change: 'make it snow' },
      user: h.fake.users.bob,
    });
    const remix = await h.delivered(() => submit.original()?.id);
    expect(await h.videosUsed(h.fake.users.alice.id)).toBe(before + 1);

    const stranger = await h.fake.clickButton(source.id, button(source, 'rb:delete:'), h.fake.users.bob);
    expect((await ephemeralAnswer(stranger)).content).toMatch(/Only the person who asked/);
    expect(h.fake.message(source.id)?.deleted).toBeFalsy();

    const owner = await h.fake.clickButton(source.id, button(source, 'rb:delete:'), h.fake.users.alice);
    expect((await ephemeralAnswer(owner)).content).toMatch(/Deleted here and at the video service/);
    expect(h.fake.message(source.id)?.deleted).toBe(true);
    // Upstream DELETE went out: the simulator no longer knows the video.
    const upstream = await fetch(`${h.sim.url}/videos/${sourceJob.videoId}`, {
      headers: { authorization: `Bearer ${h.sim.options.apiKey}` },
    });
    expect(upstream.status).toBe(404);
    // Nothing refunded, nothing charged again.
    expect(await h.videosUsed(h.fake.users.alice.id)).toBe(before + 1);
    // The remix's Details name its parent as deleted; a second delete is refused.
    const details = await h.fake.clickButton(remix.id, button(remix, 'rb:details:'), h.fake.users.bob);
    expect(JSON.stringify((await ephemeralAnswer(details)).embeds)).toContain(
      `${sourceJob.videoId} (deleted)`,
    );
    const again = await h.engine.deleteResult(sourceJob.id, {
      platform: 'discord',
      userId: h.fake.users.alice.id,
      displayName: 'alice',
      isAdmin: false,
    });
    expect(again.ok ? undefined : again.refusal.code).toBe('already_deleted');
  });

  it('an admin (Manage Server) may delete anyone’s result', async () => {
    const i = await h.video({ options: { prompt: 'a kite over dunes' }, user: h.fake.users.bob });
    const msg = await h.delivered(() => i.original()?.id);
    const click = await h.fake.clickButton(msg.id, button(msg, 'rb:delete:'), h.fake.users.mod);
    expect((await ephemeralAnswer(click)).content).toMatch(/Deleted/);
    expect(h.fake.message(msg.id)?.deleted).toBe(true);
  });

  it('/history lists my videos newest first with links, and pages with Older/Newer buttons', async () => {
    const user = h.fake.users.carol;
    // Exempt from quotas, so nine jobs at once are taken.
    const actor = { platform: 'discord' as const, userId: user.id, displayName: 'Carol', isAdmin: true };
    const place = {
      platform: 'discord' as const,
      workspaceId: h.fake.guildId,
      channelId: h.fake.channels.general.id,
    };
    const first = await h.video({ options: { prompt: 'history one: a lantern' }, user });
    await h.delivered(() => first.original()?.id);
    for (let n = 2; n <= 9; n++) {
      const out = await h.engine.submit({ actor, place, prompt: `history ${n}: a lantern`, seconds: 4 });
      expect(out.ok).toBe(true);
    }
    const cmd = await h.fake.sendCommand({ name: 'history', user });
    const page = await ephemeralAnswer(cmd);
    expect(page.flags & 64).toBe(64);
    const text = String(page.embeds[0]?.description);
    expect(page.embeds[0]?.title).toBe('Your videos');
    expect(text.indexOf('history 9')).toBeLessThan(text.indexOf('history 8'));
    expect(text).not.toContain('history one');
    expect(String((page.embeds[0]?.footer as { text?: string } | undefined)?.text)).toBe('Page 1 of 2');
    const older = await h.fake.clickButton(page.id, button(page, 'rb:history:mine.1'), user);
    expect((await older.response()).type).toBe(7);
    const second = h.fake.message(page.id)!;
    expect(String(second.embeds[0]?.description)).toContain('history one');
    expect(String(second.embeds[0]?.description)).toContain(
      `https://discord.com/channels/${h.fake.guildId}/`,
    );
    expect(buttonsOf(second)).toEqual(['rb:history:mine.0']);
  });

  it('/history all lists the whole server, in Chinese for a zh-CN user', async () => {
    const cmd = await h.fake.sendCommand({
      name: 'history',
      options: { scope: 'all' },
      user: h.fake.users.alice,
      locale: 'zh-CN',
    });
    const page = await ephemeralAnswer(cmd);
    expect(page.embeds[0]?.title).toBe('此服务器中的视频');
    expect(String(page.embeds[0]?.description)).toContain('来自');
  });
});

/**
 * The team gallery in a real browser: the whole bot in-process (fake Slack, simulator), a few
 * remixed videos, `/gallery` for the link, then Chromium (the system's, driven by
 * playwright-core) opens it on a phone-sized screen. One screenshot per run is kept under the
 * run's own temp directory.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGalleryToken } from '../../src/app/gallery/gallery-token.ts';
import { type RunningBot, startBot } from '../../src/app/run-bot.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Actor, RecentVideo } from '../../src/engine/engine-api.ts';
import { mediaKey } from '../../src/engine/media-keeper.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { FAST_SIM, FAST_TIMING, sample, waitFor } from '../app/app-harness.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHANNEL = 'C0VIDEOS';
const ALICE = 'U0ALICE';
const SECRET = 'gallery-test-secret-0123456789abcdef';

/** The page's `document`, typed as far as these checks need (the test has no DOM types). */
interface PageDocument {
  documentElement: { scrollWidth: number };
  querySelector(selector: string): { readyState: number; currentTime: number } | null;
}
/** Run in the page (self-contained: only its source travels). */
function pageWidth(): number {
  return (globalThis as unknown as { document: PageDocument }).document.documentElement.scrollWidth;
}
/** The player has data for the current frame and the clock moved: it plays. Run in the page. */
function playing(): boolean {
  const doc = (globalThis as unknown as { document: PageDocument }).document;
  const v = doc.querySelector('#player video');
  return v !== null && v.readyState >= 2 && v.currentTime > 0;
}

const alice: Actor = { platform: 'slack', userId: ALICE, displayName: 'alice', isAdmin: false };

// In CI the browser test must run (.ci/run installs Chromium); elsewhere it needs Chromium present.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('the team gallery in a browser', () => {
  let dir: string;
  let shots: string;
  let sim: Simulator;
  let fake: FakeSlack;
  let bot: RunningBot;
  let browser: Browser;
  let link: string;
  let root: RecentVideo;
  let child: RecentVideo;
  let sibling: RecentVideo;
  let extension: RecentVideo;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-gallery-'));
    shots = mkdtempSync(join(tmpdir(), 'reelbot-gallery-shot-'));
    sim = await startSimulator({ timing: FAST_SIM });
    fake = await startFakeSlack();
    fake.addChannel({ id: CHANNEL, name: 'videos' });
    fake.addUser({ id: ALICE, name: 'alice' });
    const config = loadConfig({
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_API_URL: fake.apiUrl,
      VIDEO_API_BASE_URL: sim.url,
      VIDEO_API_KEY: sim.options.apiKey,
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      DATA_DIR: join(dir, 'data'),
      METRICS_PORT: '0',
      GALLERY_SECRET: SECRET,
      LOG_LEVEL: 'silent',
    });
    bot = await startBot(config, silentLogger, {
      engineOverrides: { timing: FAST_TIMING },
      slack: { socketPingTimeoutMs: 1500 },
    });
    await fake.waitForSocket();
    const place = { platform: 'slack' as const, workspaceId: fake.teamId, channelId: CHANNEL };
    const delivered = (n: number) =>
      waitFor(async () => {
        const list = await bot.engine.recentVideos({ platform: 'slack', workspaceId: fake.teamId });
        return list.length >= n ? list : undefined;
      }, `${n} delivered videos`);
    const made = await bot.engine.submit({ actor: alice, place, prompt: 'a red fox in fresh snow' });
    expect(made.ok).toBe(true);
    [root] = (await delivered(1)) as [RecentVideo];
    const remix = await bot.engine.remixFromResult(root.videoId, 'make it night time', alice, place);
    expect(remix.ok).toBe(true);
    [child] = (await delivered(2)) as [RecentVideo];
    const again = await bot.engine.remixFromResult(root.videoId, 'make it autumn', alice, place);
    expect(again.ok).toBe(true);
    [sibling] = (await delivered(3)) as [RecentVideo];
    const extended = await bot.engine.extendFromResult(child.videoId, 'the moon rises', 4, alice, place);
    expect(extended.ok).toBe(true);
    [extension] = (await delivered(4)) as [RecentVideo];

    await fake.slashCommand({ command: '/gallery', user: ALICE, channel: CHANNEL });
    const answer = await fake.waitFor(
      () => fake.ephemerals({ user: ALICE }).find((e) => e.text.includes('/gallery/')),
      10_000,
      'the /gallery answer',
    );
    link = /<(http:\/\/[^|>]+\/gallery\/[^|>]+\/)\|/.exec(answer.text)?.[1] ?? '';
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gallery\/[\w-]+\.[\w-]+\/$/);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Root in CI containers has no user namespaces for the sandbox.
      args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await fake?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the grid newest first, plays a video and draws its family as a tree', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(link.slice(0, link.indexOf('/gallery/')))) outside.push(r.url());
    });
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });

    const cards = page.locator('#grid .card');
    await expect.poll(() => cards.count()).toBe(4);
    const prompts = await page.locator('#grid .card .prompt').allTextContents();
    expect(prompts).toEqual([
      'the moon rises',
      'make it autumn',
      'make it night time',
      'a red fox in fresh snow',
    ]);
    await expect.poll(() => page.locator('#grid .card img.thumb').count()).toBe(4);
    expect(await page.locator(`#grid .card[data-video="${extension.videoId}"]`).textContent()).toContain(
      'extension',
    );
    expect(await page.locator('#grid .card').first().textContent()).toContain('alice');
    // Every card fits the phone's width.
    const widest = await page.evaluate(pageWidth);
    expect(widest).toBeLessThanOrEqual(390);

    await page.locator(`#grid .card[data-video="${child.videoId}"] button.open`).click();
    const video = page.locator('#player video');
    await expect.poll(() => video.count()).toBe(1);
    expect(await video.getAttribute('src')).toBe(`media/${mediaKey(child.videoId)}.mp4`);
    // A function, not a string: the page's CSP forbids eval, which a string predicate needs.
    await page.waitForFunction(playing, undefined, { timeout: 20_000 });

    // root -> (night, autumn), the clicked one highlighted.
    const tree = page.locator('#player .tree');
    const under = tree.locator(`:scope > li[data-video="${root.videoId}"] > ul > li`);
    await expect.poll(() => under.count()).toBe(2);
    expect(await under.evaluateAll((els) => els.map((e) => e.getAttribute('data-video')))).toEqual([
      child.videoId,
      sibling.videoId,
    ]);
    expect(await tree.locator('.node.current').textContent()).toContain('make it night time');
    // The extension hangs under the video it continues.
    const grandchild = tree.locator(
      `li[data-video="${child.videoId}"] > ul > li[data-video="${extension.videoId}"]`,
    );
    expect(await grandchild.textContent()).toContain('the moon rises');
    expect(await page.locator('#grid .card.current').getAttribute('data-video')).toBe(child.videoId);

    const shot = join(shots, 'gallery.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
    expect(outside).toEqual([]);
    await context.close();
  }, 60_000);

  it('answers 401 to an unsigned, forged or expired link, and to each of its routes', async () => {
    const base = link.slice(0, link.indexOf('/gallery/'));
    const token = link.slice(base.length + '/gallery/'.length, -1);
    const [payload] = token.split('.');
    const expired = signGalleryToken(SECRET, {
      platform: 'slack',
      workspaceId: fake.teamId,
      expiresAt: Date.now() - 1000,
    });
    const forged = `${payload}.${'A'.repeat(43)}`;
    const page = await browser.newPage();
    for (const bad of ['', 'nothing', forged, expired]) {
      const res = await page.goto(`${base}/gallery/${bad}/`);
      expect(res?.status(), `page with token "${bad.slice(0, 12)}"`).toBe(401);
      expect(await page.content()).not.toContain('fox');
      for (const route of ['data.json', 'gallery.js', `media/${mediaKey(root.videoId)}.mp4`]) {
        const r = await fetch(`${base}/gallery/${bad}/${route}`);
        expect(r.status, route).toBe(401);
        expect(await r.text()).not.toContain(root.videoId);
      }
    }
    await page.close();
    // The kept media show in /metrics.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(sample(metrics, 'reelbot_gallery_media_files', { kind: 'video' })).toBe(4);
    expect(sample(metrics, 'reelbot_gallery_media_bytes', { kind: 'video' })).toBeGreaterThan(1000);
    expect(sample(metrics, 'reelbot_gallery_media_files', { kind: 'thumbnail' })).toBe(4);
    expect(sample(metrics, 'reelbot_gallery_retention_seconds')).toBe(7 * 86_400);
    // With the valid link, a media key outside its scope is not found.
    const other = await fetch(`${link}media/${mediaKey('video_not_ours')}.mp4`);
    expect(other.status).toBe(404);
  });
});

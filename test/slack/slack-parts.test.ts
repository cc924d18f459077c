/** Pure parts of the Slack adapter: parsing, escaping, rendering, and where the bot token may go. */
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/engine/job.ts';
import { ACTION_IDS } from '../../src/platforms/slack/action-ids.ts';
import { parseRemixText, parseVideoText } from '../../src/platforms/slack/commands/parse-video-text.ts';
import { renderJobMessage } from '../../src/platforms/slack/render/job-blocks.ts';
import { escapeSlack, safeText } from '../../src/platforms/slack/render/slack-text.ts';
import { fetchSlackImage, slackFileOrigins } from '../../src/platforms/slack/slack-file-fetch.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.ts';
import { jobFixture, viewOf } from '../support/job-fixture.ts';

describe('parseVideoText', () => {
  it('takes flags anywhere, as --flag value or --flag=value, and keeps the rest as the prompt', () => {
    expect(parseVideoText('a fox --size 720x1280 in snow --seconds=8 --model sora-2')).toEqual({
      ok: true,
      value: { prompt: 'a fox in snow', size: '720x1280', seconds: 8, model: 'sora-2' },
    });
  });

  it('understands flags whose dashes a Slack client turned into an em dash', () => {
    expect(parseVideoText('a fox —seconds 4')).toEqual({ ok: true, value: { prompt: 'a fox', seconds: 4 } });
  });

  it('refuses unknown flags, missing values and malformed sizes or seconds with a catalogue message', () => {
    expect(parseVideoText('a fox --fps 60')).toEqual({
      ok: false,
      problem: { key: 'reply.badFlag', vars: { flag: '--fps' } },
    });
    expect(parseVideoText('a fox --size')).toEqual({
      ok: false,
      problem: { key: 'reply.flagValue', vars: { flag: 'size' } },
    });
    expect(parseVideoText('a fox --size big')).toEqual({
      ok: false,
      problem: { key: 'reply.flagSize', vars: { value: 'big' } },
    });
    expect(parseVideoText('a fox --seconds 2.5')).toEqual({
      ok: false,
      problem: { key: 'reply.flagWhole', vars: { value: '2.5' } },
    });
  });

  it('splits /remix text into the video id and the change', () => {
    expect(parseRemixText('video_abc  make it\nnight ')).toEqual({
      videoId: 'video_abc',
      prompt: 'make it\nnight',
    });
    expect(parseRemixText('video_abc')).toBeUndefined();
  });
});

describe('Slack text safety', () => {
  it('escapes the three control characters so mentions and links stay text', () => {
    expect(escapeSlack('<!here> & <@U1|x> <http://a|b>')).toBe(
      '&lt;!here&gt; &amp; &lt;@U1|x&gt; &lt;http://a|b&gt;',
    );
  });

  it('cuts long text without leaving half an entity', () => {
    const cut = safeText(`${'a'.repeat(8)}<<<<`, 12);
    expect(cut.length).toBeLessThanOrEqual(12);
    expect(cut).toMatch(/^a{8}(&lt;)?…$/);
  });
});

const job = (over: Partial<Job> = {}) => jobFixture({ simulated: true, ...over });
const view = viewOf;
const text = (blocks: unknown) => JSON.stringify(blocks);

describe('job message rendering', () => {
  it('shows progress, elapsed time, a Slack date ETA, the simulated label and a Cancel button while running', () => {
    const r = renderJobMessage(view(job(), { etaAt: 1_700_000_000_000 }));
    expect(text(r.blocks)).toContain('▰▰▰▰▱▱▱▱▱▱ 40%');
    expect(text(r.blocks)).toContain('elapsed 1m 05s');
    expect(text(r.blocks)).toContain('<!date^1700000000^{time}|');
    expect(text(r.blocks)).toMatch(/simulated/i);
    expect(text(r.blocks)).toContain(ACTION_IDS.cancel);
    expect(r.text).toContain('a fox');
  });

  it('shows the queue position while waiting', () => {
    const r = renderJobMessage(view(job({ state: 'waiting', progress: 0 }), { position: 2, queueLength: 3 }));
    expect(text(r.blocks)).toContain('number 2 of 3');
  });

  it('shows a failure in plain words, escaped, without buttons when it was the prompt', () => {
    const r = renderJobMessage(view(job({ state: 'failed' })), {
      error: { code: 'content_policy', userFault: true },
    });
    expect(text(r.blocks)).toContain('content rules');
    expect(text(r.blocks)).not.toContain('"type":"button"');
  });

  it('shows the English text an older version stored for a code this one does not know, escaped', () => {
    const r = renderJobMessage(view(job({ state: 'failed' })), {
      error: { code: 'some_old_code', message: 'The prompt <broke> the rules.', userFault: false },
    });
    expect(text(r.blocks)).toContain('The prompt &lt;broke&gt; the rules.');
    expect(text(r.blocks)).toContain(ACTION_IDS.reroll);
  });

  it('speaks Chinese to a zh-CN requester', () => {
    const zh = job({ state: 'failed', place: { ...job().place, locale: 'zh-CN' } });
    const r = renderJobMessage(view(zh), { error: { code: 'content_policy', userFault: true } });
    expect(text(r.blocks)).toContain('无法生成这个视频');
    expect(text(r.blocks)).toContain('内容规则');
  });

  it('offers Remix (video id) and Re-roll (job id) once delivered, with the lineage', () => {
    const delivered = job({
      state: 'delivered',
      videoId: 'video_2',
      parentVideoId: 'video_1',
      kind: 'remix',
    });
    const r = renderJobMessage(view(delivered), {
      lineage: [
        { videoId: 'video_2', prompt: 'at night' },
        { videoId: 'video_1', prompt: 'a fox', link: 'https://x.slack.com/archives/C1/p1' },
      ],
    });
    expect(text(r.blocks)).toContain('remix of <https://x.slack.com/archives/C1/p1|“a fox”>');
    expect(text(r.blocks)).toContain(`"action_id":"${ACTION_IDS.remix}"`);
    expect(text(r.blocks)).toContain('"value":"video_2"');
    expect(text(r.blocks)).toContain('"value":"job_1"');
  });

  it('says nothing about lineage for an original video', () => {
    const r = renderJobMessage(view(job({ state: 'delivered', videoId: 'video_1' })), {
      lineage: [{ videoId: 'video_1' }],
    });
    expect(text(r.blocks)).not.toContain('remix of');
  });
});

describe('image fetching from Slack', () => {
  let fake: FakeSlack;
  let client: InstanceType<typeof webApi.WebClient>;
  beforeAll(async () => {
    fake = await startFakeSlack();
    client = new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logLevel: webApi.LogLevel.ERROR,
    });
  });
  afterAll(() => fake.close());

  it('allows Slack’s file host, and a local Web API origin only when it is loopback', () => {
    expect(slackFileOrigins('https://slack.com/api/')).toEqual(['https://files.slack.com']);
    expect(slackFileOrigins('http://127.0.0.1:4000/api/')).toEqual([
      'https://files.slack.com',
      'http://127.0.0.1:4000',
    ]);
  });

  it('downloads an image with the bot token from an allowed host', async () => {
    const f = fake.addFile({ name: 'a.png', mimetype: 'image/png', data: Buffer.from('png!'), user: 'U1' });
    const r = await fetchSlackImage(client, f.id, {
      token: fake.botToken,
      allowedOrigins: [fake.url],
      maxBytes: 100,
    });
    expect(r).toMatchObject({ ok: true, image: { contentType: 'image/png', fileName: 'a.png' } });
    expect(fake.state.fileDownloads).toContainEqual({ fileId: f.id, authorized: true });
  });

  it('never sends the token to a host outside the allow list', async () => {
    const f = fake.addFile({ name: 'b.png', mimetype: 'image/png', data: Buffer.from('png!'), user: 'U1' });
    const r = await fetchSlackImage(client, f.id, {
      token: fake.botToken,
      allowedOrigins: ['https://files.slack.com'],
      maxBytes: 100,
    });
    expect(r.ok).toBe(false);
    expect(fake.state.fileDownloads.filter((d) => d.fileId === f.id)).toEqual([]);
  });

  it('refuses files that are not images or are too large, with a catalogue message', async () => {
    const pdf = fake.addFile({
      name: 'c.pdf',
      mimetype: 'application/pdf',
      data: Buffer.from('%PDF'),
      user: 'U1',
    });
    const big = fake.addFile({ name: 'd.png', mimetype: 'image/png', data: Buffer.alloc(500), user: 'U1' });
    const opts = { token: fake.botToken, allowedOrigins: [fake.url], maxBytes: 100 };
    expect(await fetchSlackImage(client, pdf.id, opts)).toEqual({
      ok: false,
      problem: { key: 'reply.imageType' },
    });
    expect(await fetchSlackImage(client, big.id, opts)).toEqual({
      ok: false,
      problem: { key: 'reply.imageSize', vars: { size: '500 B', limit: '100 B' } },
    });
  });
});

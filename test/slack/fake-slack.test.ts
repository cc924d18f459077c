/**
 * The fake Slack itself, driven by the real @slack/web-api client and a real Bolt app, so the
 * end-to-end tests can trust what it enforces.
 */
import { App, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.ts';

const quiet = { logLevel: webApi.LogLevel.ERROR } as const;

describe('fake Slack Web API', () => {
  let fake: FakeSlack;
  let client: InstanceType<typeof webApi.WebClient>;
  beforeEach(async () => {
    fake = await startFakeSlack({ triggerTtlMs: 200, maxFileBytes: 1000 });
    fake.addChannel({ id: 'C1', name: 'general' });
    client = new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      retryConfig: webApi.retryPolicies.rapidRetryPolicy,
      ...quiet,
    });
  });
  afterEach(() => fake.close());

  it('keeps a posted message, its updates and thread replies', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'hello' });
    await client.chat.update({ channel: 'C1', ts: posted.ts ?? '', text: 'hello again' });
    await client.chat.postMessage({ channel: 'C1', thread_ts: posted.ts ?? '', text: 'reply' });
    const root = fake.message('C1', posted.ts ?? '');
    expect(root?.text).toBe('hello again');
    expect(root?.history.map((h) => h.text)).toEqual(['hello']);
    expect(fake.thread('C1', posted.ts ?? '').map((m) => m.text)).toEqual(['hello again', 'reply']);
  });

  it('refuses a call with the wrong token and an unknown channel', async () => {
    const stranger = new webApi.WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, ...quiet });
    await expect(stranger.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(client.chat.postMessage({ channel: 'C404', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
  });

  it('enforces text and block limits', async () => {
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x'.repeat(40_001) })).rejects.toMatchObject({
      data: { error: 'msg_too_long' },
    });
    const longSection = [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }];
    await expect(
      client.chat.postMessage({ channel: 'C1', text: 'x', blocks: longSection }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    const longButton = [
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'z'.repeat(76) } }],
      },
    ];
    await expect(
      client.chat.postMessage({ channel: 'C1', text: 'x', blocks: longButton }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
  });

  it('answers 429 with Retry-After when asked, and the client retries through it', async () => {
    fake.rateLimit({ method: 'chat.postMessage', times: 1, retryAfter: 0 });
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'eventually' });
    expect(posted.ok).toBe(true);
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it('uploads with files.uploadV2 into a thread, and refuses files over the limit', async () => {
    const root = await client.chat.postMessage({ channel: 'C1', text: 'job' });
    await client.files.uploadV2({
      channel_id: 'C1',
      thread_ts: root.ts ?? '',
      file: Buffer.from('mp4 bytes'),
      filename: 'v.mp4',
      initial_comment: 'here it is',
    });
    const reply = fake.thread('C1', root.ts ?? '')[1];
    expect(reply?.files[0]?.data?.toString()).toBe('mp4 bytes');
    expect(reply?.text).toBe('here it is');
    await expect(
      client.files.uploadV2({ channel_id: 'C1', file: Buffer.alloc(1001), filename: 'big.mp4' }),
    ).rejects.toMatchObject({ data: { error: 'file_too_large' } });
  });

  it('lets a trigger id open one modal only, and not after it expired', async () => {
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'T' },
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
    };
    const fresh = fake.state.issueTrigger('U1');
    await client.views.open({ trigger_id: fresh, view });
    await expect(client.views.open({ trigger_id: fresh, view })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
    const old = fake.state.issueTrigger('U1');
    const issued = Date.now();
    await fake.waitFor(() => Date.now() - issued > 250, 2000, 'trigger expiry');
    await expect(client.views.open({ trigger_id: old, view })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
  });
});

describe('fake Slack delivery to a real Bolt app', () => {
  let fake: FakeSlack;
  let app: App | undefined;
  let socket: SocketModeReceiver | undefined;
  beforeEach(async () => {
    fake = await startFakeSlack({ ackTimeoutMs: 1000 });
  });
  afterEach(async () => {
    // Bolt's stop() does not wait for the WebSocket close handshake; the client's disconnect() does.
    if (socket) await socket.client.disconnect();
    else await app?.stop();
    app = undefined;
    socket = undefined;
    await fake.close();
  });

  function socketApp(): App {
    const clientOptions = { slackApiUrl: fake.apiUrl, retryConfig: webApi.retryPolicies.rapidRetryPolicy };
    const receiver = new SocketModeReceiver({
      appToken: fake.appToken,
      logLevel: LogLevel.ERROR,
      clientPingTimeout: 600,
      installerOptions: { clientOptions: { ...clientOptions } },
    });
    socket = receiver;
    return new App({ token: fake.botToken, receiver, logLevel: LogLevel.ERROR, clientOptions });
  }

  it('delivers a command over Socket Mode and records an ack in time; a missing ack counts as failed', async () => {
    app = socketApp();
    app.command('/fast', async ({ ack }) => {
      await ack({ text: 'got it' });
    });
    app.command('/silent', async () => {});
    await app.start();
    const fast = await fake.slashCommand({ command: '/fast', text: '', user: 'U1', channel: 'C1' });
    expect(fast.ackedInTime).toBe(true);
    expect(fake.ephemerals({ user: 'U1' }).map((e) => e.text)).toEqual(['got it']);
    const silent = await fake.slashCommand({ command: '/silent', text: '', user: 'U1', channel: 'C1' });
    expect(silent.ackedInTime).toBe(false);
    expect(silent.failure).toBe('no_ack');
  });

  it('keeps delivering after it asks the client to reconnect', async () => {
    app = socketApp();
    app.command('/ping', async ({ ack }) => {
      await ack();
    });
    await app.start();
    fake.dropSocket();
    await fake.waitFor(() => fake.socketConnectionsOpened >= 2, 10_000, 'reconnect');
    const d = await fake.slashCommand({ command: '/ping', user: 'U1', channel: 'C1' });
    expect(d.ackedInTime).toBe(true);
  });

  it('signs HTTP deliveries so Bolt accepts good ones and refuses bad or replayed ones', async () => {
    app = new App({
      token: fake.botToken,
      signingSecret: fake.signingSecret,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.apiUrl },
    });
    app.command('/ping', async ({ ack }) => {
      await ack();
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as { address(): { port: number } };
    fake.useHttp(`http://127.0.0.1:${server.address().port}/slack/events`);
    const good = await fake.slashCommand({ command: '/ping', user: 'U1', channel: 'C1' });
    expect(good.httpStatus).toBe(200);
    const bad = await fake.slashCommand(
      { command: '/ping', user: 'U1', channel: 'C1' },
      { signature: 'bad' },
    );
    expect(bad.httpStatus).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 600;
    const replayed = await fake.slashCommand(
      { command: '/ping', user: 'U1', channel: 'C1' },
      { timestampSec: old },
    );
    expect(replayed.httpStatus).toBe(401);
  });
});

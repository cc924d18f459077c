/**
 * Video uploads streamed from disk through discord.js's REST: the fake Discord must receive
 * the file byte for byte, also when a 429 makes discord.js send the request again, and a file
 * whose size differs from the one announced must fail rather than arrive cut or padded.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { REST } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DeliveredVideo, JobView } from '../../src/engine/surface.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { DiscordSurface } from '../../src/platforms/discord/discord-surface.ts';
import { InteractionOrigins } from '../../src/platforms/discord/interaction-origins.ts';
import { MessageEditor, type OutgoingFile } from '../../src/platforms/discord/message-editor.ts';
import { streamingMakeRequest } from '../../src/platforms/discord/streaming-request.ts';
import { FakeDiscord } from '../fakes/discord/fake-discord.ts';
import { jobFixture, viewOf } from '../support/job-fixture.ts';
import { DiscordHarness } from './discord-harness.ts';

const MIB = 1024 * 1024;
let dir: string;
let file: string;
let bytes: Buffer;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reelbot-stream-'));
  file = join(dir, 'clip.mp4');
  // Random bytes: a chunk dropped, repeated or reordered anywhere changes the comparison.
  bytes = randomBytes(3 * MIB + 123);
  writeFileSync(file, bytes);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streamed uploads through discord.js REST', () => {
  let fake: FakeDiscord;
  let rest: REST;
  let opened = 0;

  const video = (size = bytes.length, open: () => Readable = () => createReadStream(file)) => ({
    name: 'clip.mp4',
    contentType: 'video/mp4',
    bytes: size,
    open: () => {
      opened += 1;
      return open();
    },
  });

  async function start(o: { timeout?: number } = {}): Promise<MessageEditor> {
    fake = await FakeDiscord.start();
    rest = new REST({
      api: fake.apiUrl,
      makeRequest: streamingMakeRequest(),
      retries: 0,
      ...(o.timeout ? { timeout: o.timeout } : {}),
    }).setToken(fake.botToken);
    opened = 0;
    return new MessageEditor(rest);
  }

  afterEach(async () => {
    rest?.clearHashSweeper();
    rest?.clearHandlerSweeper();
    await fake?.close();
  });

  it('a new message with a file streamed from disk stores exactly the bytes of the file', async () => {
    const editor = await start();
    const channel = fake.channels.general.id;
    const { id } = await editor.post(channel, { content: 'here it is' }, [video()]);
    const stored = fake.message(id);
    expect(stored?.content).toBe('here it is');
    expect(stored?.attachments).toHaveLength(1);
    expect(stored?.attachments[0]?.filename).toBe('clip.mp4');
    expect(stored?.attachments[0]?.bytes.equals(bytes)).toBe(true);
    expect(opened).toBe(1);
  });

  it('an edit rate-limited with a 429 is sent again from a fresh stream, and the bytes arrive intact', async () => {
    const editor = await start();
    const channel = fake.channels.general.id;
    const { id } = await editor.post(channel, { content: 'working on it' });
    fake.rateLimit({ route: 'PATCH /channels', times: 1, retryAfter: 0.05 });
    await editor.edit(channel, id, { content: 'done' }, [video()]);
    expect(fake.rateLimitsServed).toBe(1);
    const stored = fake.message(id);
    expect(stored?.content).toBe('done');
    expect(stored?.attachments[0]?.bytes.equals(bytes)).toBe(true);
    // Once for the 429'd attempt, once for the one that landed.
    expect(opened).toBe(2);
  });

  it('a file shorter or longer than announced fails the upload and nothing is posted', async () => {
    const editor = await start();
    const channel = fake.channels.general.id;
    const short = video(bytes.length, () => Readable.from([bytes.subarray(0, MIB)]));
    await expect(editor.post(channel, { content: 'short' }, [short])).rejects.toThrow(/not the .* announced/);
    const long = video(MIB, () => createReadStream(file));
    await expect(editor.post(channel, { content: 'long' }, [long])).rejects.toThrow(/larger than the/);
    expect(fake.messages(channel)).toHaveLength(0);
  });
});

describe('upload deadline', () => {
  it("an upload longer than discord.js's request timeout still lands (the deadline grows with the file)", async () => {
    const fake = await FakeDiscord.start();
    // 1 ms: far less than sending 3 MiB and parsing it takes, even on loopback.
    const rest = new REST({ api: fake.apiUrl, makeRequest: streamingMakeRequest(), retries: 0, timeout: 1 });
    rest.setToken(fake.botToken);
    try {
      const file = {
        name: 'clip.mp4',
        contentType: 'video/mp4',
        bytes: bytes.length,
        open: () => Readable.from([bytes]),
      };
      const { id } = await new MessageEditor(rest).post(fake.channels.general.id, { content: 'x' }, [file]);
      expect(fake.message(id)?.attachments[0]?.bytes.equals(bytes)).toBe(true);
    } finally {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
      await fake.close();
    }
  });

  it('an upload whose answer never comes fails at its own deadline instead of hanging', async () => {
    let received = 0;
    const server = createServer((req) => {
      // Take the whole body, never answer.
      req.on('data', (c: Buffer) => {
        received += c.length;
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const rest = new REST({
      api: `http://127.0.0.1:${port}/api`,
      makeRequest: streamingMakeRequest({ uploadTimeoutMs: () => 300 }),
      retries: 0,
    }).setToken('token');
    try {
      const file = {
        name: 'clip.mp4',
        contentType: 'video/mp4',
        bytes: 1000,
        open: () => Readable.from([Buffer.alloc(1000)]),
      };
      await expect(new MessageEditor(rest).post('1', { content: 'x' }, [file])).rejects.toThrow(
        /timeout|abort/i,
      );
      expect(received).toBeGreaterThan(1000);
    } finally {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('upload turns', () => {
  /** A MessageEditor whose uploads finish when the test says so; nothing reaches a server. */
  class HeldUploads extends MessageEditor {
    readonly started: string[] = [];
    running = 0;
    mostAtOnce = 0;
    readonly #finish = new Map<string, (ok: boolean) => void>();

    constructor() {
      super(new REST({ hashSweepInterval: 0, handlerSweepInterval: 0 }));
    }

    override async post(): Promise<{ id: string }> {
      throw new Error('the job message exists: no post expected');
    }

    override edit(_channelId: string, messageId: string, _body: object, files: OutgoingFile[] = []) {
      if (files.length === 0) return Promise.resolve();
      this.started.push(messageId);
      this.running += 1;
      this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
      return new Promise<void>((resolve, reject) => {
        this.#finish.set(messageId, (ok) => {
          this.running -= 1;
          if (ok) resolve();
          else reject(new Error(`upload of ${messageId} failed`));
        });
      });
    }

    finish(messageId: string, ok = true): void {
      this.#finish.get(messageId)?.(ok);
    }
  }

  const delivered = (n: number): [JobView, DeliveredVideo] => [
    viewOf(
      jobFixture({
        id: `job_${n}`,
        state: 'completed',
        videoId: `video_${n}`,
        requester: { platform: 'discord', userId: 'u1', displayName: 'Alice' },
        place: { platform: 'discord', workspaceId: 'g1', channelId: 'c1', messageRef: `m${n}` },
      }),
    ),
    {
      open: () => Readable.from([Buffer.alloc(10)]),
      bytes: 10,
      contentType: 'video/mp4',
      fileName: `reelbot-video_${n}.mp4`,
      lineage: [{ videoId: `video_${n}`, prompt: 'a fox' }],
      share: async () => undefined,
    },
  ];

  it('at most the limit upload at once, the others start in arrival order, and a failed upload gives its turn back', async () => {
    const editor = new HeldUploads();
    const surface = new DiscordSurface({
      editor,
      origins: new InteractionOrigins(),
      logger: silentLogger,
      maxConcurrentUploads: 2,
    });
    const runs = [0, 1, 2, 3, 4].map((n) =>
      surface.jobCompleted(...delivered(n)).then(
        (ref) => ref?.messageRef,
        (err: Error) => err.message,
      ),
    );
    await vi.waitFor(() => expect(editor.started).toEqual(['m0', 'm1']));
    editor.finish('m1', false);
    expect(await runs[1]).toBe('upload of m1 failed');
    await vi.waitFor(() => expect(editor.started).toEqual(['m0', 'm1', 'm2']));
    editor.finish('m0');
    editor.finish('m2');
    await vi.waitFor(() => expect(editor.started).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']));
    editor.finish('m3');
    editor.finish('m4');
    expect(await Promise.all(runs)).toEqual(['m0', 'upload of m1 failed', 'm2', 'm3', 'm4']);
    expect(editor.mostAtOnce).toBe(2);
    expect(editor.running).toBe(0);
  });
});

describe('Discord delivery end to end', () => {
  let h: DiscordHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a delivered MP4 is byte for byte the video the upstream made', async () => {
    h = await DiscordHarness.start();
    const t = h;
    const i = await t.video({ options: { prompt: 'a paper boat on a stream', seconds: 4 } });
    const msg = await t.delivered(() => i.original()?.id);
    const mp4 = msg.attachments.find((a) => a.filename.endsWith('.mp4'));
    const videoId = t.sim.jobs().find((j) => j.prompt?.includes('paper boat'))?.id;
    const res = await fetch(`${t.sim.url}/videos/${videoId}/content`, {
      headers: { authorization: `Bearer ${t.sim.options.apiKey}` },
    });
    expect(res.status).toBe(200);
    const upstream = Buffer.from(await res.arrayBuffer());
    expect(upstream.length).toBeGreaterThan(1000);
    expect(mp4?.bytes.equals(upstream)).toBe(true);
  });
});

/**
 * Image fetches go only to the platform's own file hosts: an attachment URL on another host,
 * a look-alike host, or a redirect from the platform's host to another one is refused, and the
 * other host (a second local server) never sees a request, let alone a token.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fetchDiscordImage,
  ImageFetchError,
  imagePolicyFor,
} from '../../src/platforms/discord/image-fetch.ts';
import { fetchSlackImage, slackFileOrigins } from '../../src/platforms/slack/slack-file-fetch.ts';

interface Host {
  origin: string;
  seen: IncomingMessage[];
  server: Server;
}

async function host(
  handle: (req: IncomingMessage, res: import('node:http').ServerResponse, origin: string) => void,
): Promise<Host> {
  const seen: IncomingMessage[] = [];
  const h: Host = { origin: '', seen, server: createServer() };
  h.server.on('request', (req, res) => {
    seen.push(req);
    handle(req, res, h.origin);
  });
  await new Promise<void>((r) => h.server.listen(0, '127.0.0.1', r));
  h.origin = `http://127.0.0.1:${(h.server.address() as AddressInfo).port}`;
  return h;
}

let png: Buffer;
let other: Host;
let platform: Host;
beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } })
    .png()
    .toBuffer();
  other = await host((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
  // The platform: a Slack-like API (files.info) and file host, and Discord-like attachments.
  platform = await host((req, res, origin) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/api/files.info') {
      // The Web API client POSTs its arguments as a form.
      let raw = '';
      req.on('data', (d: Buffer) => {
        raw += d.toString();
      });
      req.on('end', () => {
        const file = new URLSearchParams(raw).get('file') ?? '';
        const target =
          file === 'F_OTHER'
            ? `${other.origin}/x.png`
            : file === 'F_REDIRECT'
              ? `${origin}/redirect`
              : `${origin}/ok.png`;
        const info = { id: file, name: 'x.png', mimetype: 'image/png', size: png.length };
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: true, file: { ...info, url_private_download: target } }));
      });
      return;
    }
    if (url.pathname.startsWith('/redirect')) {
      res.writeHead(302, { location: `${other.origin}/x.png` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  });
});
afterAll(async () => {
  for (const h of [other, platform]) {
    h.server.closeAllConnections();
    await new Promise<void>((r) => h.server.close(() => r()));
  }
});

describe('Discord attachments', () => {
  const policy = () => imagePolicyFor(`${platform.origin}/api`);

  it('an attachment on the platform’s own host is fetched', async () => {
    const got = await fetchDiscordImage(`${platform.origin}/attachments/1/2/x.png`, policy());
    expect(Buffer.from(got.data).equals(png)).toBe(true);
  });

  it('an attachment URL on another host, a look-alike host or with userinfo is refused and the other host sees nothing', async () => {
    const otherPort = new URL(other.origin).port;
    const urls = [
      `${other.origin}/attachments/1/2/x.png`,
      `http://localhost:${otherPort}/attachments/1/2/x.png`,
      `https://cdn.discordapp.com.evil.test/attachments/1/2/x.png`,
      `https://cdn.discordapp.com@127.0.0.1:${otherPort}/x.png`,
      `http://cdn.discordapp.com/attachments/1/2/x.png`,
      'file:///etc/passwd',
      'not a url',
    ];
    for (const url of urls) {
      await expect(fetchDiscordImage(url, policy()), url).rejects.toBeInstanceOf(ImageFetchError);
    }
    expect(other.seen).toHaveLength(0);
  });

  it('a redirect from the platform’s host to another host is not followed', async () => {
    const before = other.seen.length;
    await expect(fetchDiscordImage(`${platform.origin}/redirect`, policy())).rejects.toMatchObject({
      reason: 'download',
    });
    expect(other.seen).toHaveLength(before);
  });
});

describe('Slack files', () => {
  const token = 'xoxb-image-host-test-token';
  const client = () =>
    new webApi.WebClient(token, { slackApiUrl: `${platform.origin}/api/`, retryConfig: { retries: 0 } });
  const options = () => ({
    token,
    allowedOrigins: slackFileOrigins(`${platform.origin}/api/`),
    maxBytes: 1024 * 1024,
  });

  it('a file on the platform’s own host is fetched with the token', async () => {
    const got = await fetchSlackImage(client(), 'F_OK', options());
    expect(got.ok).toBe(true);
  });

  it('files.info pointing at another host, or a redirect to one, is refused and the token never leaves', async () => {
    for (const file of ['F_OTHER', 'F_REDIRECT']) {
      const got = await fetchSlackImage(client(), file, options());
      expect(got.ok, file).toBe(false);
    }
    expect(other.seen).toHaveLength(0);
    // The redirect was really offered (and not followed to the other host).
    expect(platform.seen.some((r) => r.url?.startsWith('/redirect'))).toBe(true);
  });
});

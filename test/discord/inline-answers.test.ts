import { generateKeyPairSync, sign } from 'node:crypto';
import type { RESTOptions } from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import { answeringInline } from '../../src/platforms/discord/inline-answers.ts';
import {
  INLINE_ANSWER_WAIT_MS,
  InteractionEndpoint,
} from '../../src/platforms/discord/interaction-endpoint.ts';

const pair = generateKeyPairSync('ed25519');
const publicKey = Buffer.from(String(pair.publicKey.export({ format: 'jwk' }).x), 'base64url').toString(
  'hex',
);

function signed(payload: object) {
  const body = Buffer.from(JSON.stringify(payload));
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.concat([Buffer.from(timestamp), body]), pair.privateKey).toString(
    'hex',
  );
  return { headers: { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp }, body };
}

const command = (id: string) => ({ id, type: 2, token: `tok${id}`, application_id: '1', version: 1 });
const callbackUrl = (id: string, query = 'with_response=false') =>
  `http://discord.test/api/v10/interactions/${id}/tok${id}/callback?${query}`;
type Init = Parameters<RESTOptions['makeRequest']>[1];
const post = (body: unknown): Init => ({ method: 'POST', body: JSON.stringify(body), headers: {} }) as Init;

describe('initial responses in the HTTP response of an interaction', () => {
  it('a dialog goes back in the open HTTP request, and discord.js is told it was sent', async () => {
    const endpoint = new InteractionEndpoint({ publicKey, logger: silentLogger });
    const rest = vi.fn<RESTOptions['makeRequest']>();
    const transport = answeringInline(endpoint, rest);
    const modal = { type: 9, data: { custom_id: 'rb:remix', title: 'Remix', components: [] } };
    let status = 0;
    endpoint.attach((payload) => {
      void transport(callbackUrl(String(payload.id)), post(modal)).then((res) => {
        status = res.status;
      });
    });
    const { headers, body } = signed(command('11'));
    expect(await endpoint.receive(headers, body)).toEqual({ status: 200, body: modal });
    expect(status).toBe(204);
    expect(rest).not.toHaveBeenCalled();
  });

  it('a deferral goes over REST (the job message edits it next) and the HTTP request gets 202 at once', async () => {
    const endpoint = new InteractionEndpoint({ publicKey, logger: silentLogger });
    const rest = vi.fn<RESTOptions['makeRequest']>().mockResolvedValue({ status: 204 } as never);
    const transport = answeringInline(endpoint, rest);
    endpoint.attach((payload) => void transport(callbackUrl(String(payload.id)), post({ type: 5 })));
    const { headers, body } = signed(command('15'));
    const started = Date.now();
    expect(await endpoint.receive(headers, body)).toEqual({ status: 202 });
    expect(Date.now() - started, 'not held for the wait').toBeLessThan(INLINE_ANSWER_WAIT_MS);
    expect(rest).toHaveBeenCalledTimes(1);
  });

  it('an adapter that has not answered in time gets 202 sent for it; its late answer then goes over REST', async () => {
    const endpoint = new InteractionEndpoint({ publicKey, logger: silentLogger });
    const rest = vi.fn<RESTOptions['makeRequest']>().mockResolvedValue({ status: 204 } as never);
    const transport = answeringInline(endpoint, rest);
    endpoint.attach(() => undefined);
    const { headers, body } = signed(command('12'));
    const started = Date.now();
    expect(await endpoint.receive(headers, body)).toEqual({ status: 202 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(INLINE_ANSWER_WAIT_MS - 50);
    await transport(callbackUrl('12'), post({ type: 9, data: {} }));
    expect(rest).toHaveBeenCalledTimes(1);
    expect(endpoint.answerInline('12', { type: 9 })).toBe(false);
  });

  it('leaves every other request to REST: other routes, files, and a callback that wants its response back', async () => {
    const endpoint = new InteractionEndpoint({ publicKey, logger: silentLogger });
    const answerInline = vi.spyOn(endpoint, 'answerInline');
    const rest = vi.fn<RESTOptions['makeRequest']>().mockResolvedValue({ status: 200 } as never);
    const transport = answeringInline(endpoint, rest);
    await transport('http://discord.test/api/v10/channels/5/messages', post({ content: 'x' }));
    await transport(callbackUrl('13', 'with_response=true'), post({ type: 9, data: {} }));
    await transport(callbackUrl('14'), { method: 'POST', body: new FormData(), headers: {} } as Init);
    expect(rest).toHaveBeenCalledTimes(3);
    expect(answerInline).not.toHaveBeenCalled();
  });
});

/**
 * Slack's v0 request signing, as Slack does it when it POSTs to an app's request URL:
 * `X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body))`.
 */
import { createHmac } from 'node:crypto';

export interface SignedHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

/** Sign `body` with `secret` at `timestampSec` (default: now). */
export function signSlackRequest(body: string, secret: string, timestampSec?: number): SignedHeaders {
  const ts = String(timestampSec ?? Math.floor(Date.now() / 1000));
  const hex = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${hex}` };
}

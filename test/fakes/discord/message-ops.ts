/**
 * Creating and editing messages the way Discord does: payload limits, per-file upload limits
 * (413/40005), and the attachments-on-edit rule (an edit listing `attachments` keeps only those;
 * new files in the same edit are added).
 */

import {
  type FakeState,
  type Json,
  MESSAGE_FLAGS,
  type StoredAttachment,
  type StoredMessage,
  snowflake,
} from './fake-state.ts';
import type { FakeUser } from './fixtures.ts';
import { errors, type UploadedFile } from './http-io.ts';
import { messageProblems } from './payload-limits.ts';

export interface MessageContext {
  state: FakeState;
  /** Origin serving attachment URLs, e.g. `http://127.0.0.1:1234`. */
  origin: string;
  author: FakeUser;
  guildId: string;
  channelId: string;
  /** Per-file upload limit, bytes. */
  uploadLimit: number;
}

function checkUploads(files: UploadedFile[], limit: number): void {
  for (const f of files) if (f.bytes.length > limit) throw errors.tooLarge();
}

function storeAttachment(ctx: MessageContext, file: UploadedFile, meta: Json | undefined): StoredAttachment {
  const id = snowflake();
  const filename = typeof meta?.filename === 'string' ? meta.filename : file.name;
  const url = `${ctx.origin}/attachments/${ctx.channelId}/${id}/${encodeURIComponent(filename)}`;
  return {
    id,
    filename,
    size: file.bytes.length,
    content_type: file.contentType,
    url,
    proxy_url: url,
    ...(typeof meta?.description === 'string' ? { description: meta.description } : {}),
    bytes: file.bytes,
  };
}

/** Attachment metadata entries from the payload that refer to uploaded files (id = file index). */
function newFileMeta(body: Json, files: UploadedFile[]): Map<number, Json> {
  const out = new Map<number, Json>();
  const list = Array.isArray(body.attachments) ? (body.attachments as Json[]) : [];
  for (const a of list) {
    const n = Number(a.id);
    if (Number.isInteger(n) && files.some((f) => f.index === n) && String(a.id).length < 5) out.set(n, a);
  }
  return out;
}

function validate(body: Json, hasFiles: boolean): void {
  const problems = messageProblems(body);
  if (problems.length > 0) throw errors.invalidForm(problems);
  const empty =
    (typeof body.content !== 'string' || body.content === '') &&
    !(Array.isArray(body.embeds) && body.embeds.length > 0) &&
    !(Array.isArray(body.components) && body.components.length > 0) &&
    !hasFiles;
  if (empty) throw errors.emptyMessage();
}

export interface CreateOptions {
  flags?: number;
  type?: number;
  ephemeralFor?: string;
  interactionId?: string;
  interactionMetadata?: Json;
  webhookId?: string;
  /** A deferred ("thinking") response: may be empty. */
  loading?: boolean;
}

/** Create and store a message; throws `HttpError` when Discord would refuse it. */
export function createMessage(
  ctx: MessageContext,
  body: Json,
  files: UploadedFile[],
  opts: CreateOptions = {},
): StoredMessage {
  if (!opts.loading) validate(body, files.length > 0);
  checkUploads(files, ctx.uploadLimit);
  const meta = newFileMeta(body, files);
  const flags = (typeof body.flags === 'number' ? body.flags : 0) | (opts.flags ?? 0);
  const m: StoredMessage = {
    id: snowflake(),
    channel_id: ctx.channelId,
    guild_id: ctx.guildId,
    author: ctx.author,
    content: typeof body.content === 'string' ? body.content : '',
    embeds: Array.isArray(body.embeds) ? (body.embeds as Json[]) : [],
    components: Array.isArray(body.components) ? (body.components as Json[]) : [],
    attachments: files.map((f) => storeAttachment(ctx, f, meta.get(f.index))),
    ...(body.allowed_mentions ? { allowed_mentions: body.allowed_mentions as Json } : {}),
    flags: flags | (opts.loading ? MESSAGE_FLAGS.loading : 0),
    type: opts.type ?? (body.message_reference ? 19 : 0),
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    ...(body.message_reference ? { message_reference: body.message_reference as Json } : {}),
    ...(opts.interactionMetadata ? { interaction_metadata: opts.interactionMetadata } : {}),
    ...(opts.webhookId ? { webhook_id: opts.webhookId, application_id: opts.webhookId } : {}),
    ...(opts.ephemeralFor && flags & MESSAGE_FLAGS.ephemeral ? { ephemeralFor: opts.ephemeralFor } : {}),
    ...(opts.interactionId ? { interactionId: opts.interactionId } : {}),
    deleted: false,
    edits: 0,
  };
  ctx.state.messages.set(m.id, m);
  ctx.state.changed();
  return m;
}

/** Apply an edit in place; throws `HttpError` when Discord would refuse it. */
export function editMessage(
  ctx: MessageContext,
  m: StoredMessage,
  body: Json,
  files: UploadedFile[],
): StoredMessage {
  const next: Json = {
    content: 'content' in body ? body.content : m.content,
    embeds: 'embeds' in body ? body.embeds : m.embeds,
    components: 'components' in body ? body.components : m.components,
  };
  const problems = messageProblems(next);
  if (problems.length > 0) throw errors.invalidForm(problems);
  checkUploads(files, ctx.uploadLimit);
  const meta = newFileMeta(body, files);
  let kept = m.attachments;
  if (Array.isArray(body.attachments)) {
    const listed = new Set((body.attachments as Json[]).map((a) => String(a.id)));
    kept = m.attachments.filter((a) => listed.has(a.id));
  }
  const added = files.map((f) => storeAttachment(ctx, f, meta.get(f.index)));
  const attachments = [...kept, ...added];
  const content = typeof next.content === 'string' ? next.content : '';
  const embeds = Array.isArray(next.embeds) ? (next.embeds as Json[]) : [];
  const components = Array.isArray(next.components) ? (next.components as Json[]) : [];
  if (content === '' && embeds.length === 0 && components.length === 0 && attachments.length === 0) {
    throw errors.emptyMessage();
  }
  m.content = content;
  m.embeds = embeds;
  m.components = components;
  m.attachments = attachments;
  if (body.allowed_mentions) m.allowed_mentions = body.allowed_mentions as Json;
  m.flags &= ~MESSAGE_FLAGS.loading;
  m.edited_timestamp = new Date().toISOString();
  m.edits += 1;
  ctx.state.changed();
  return m;
}

/**
 * The Web API methods the fake answers, each a function of the parsed parameters.
 * Errors use Slack's own codes (`channel_not_found`, `expired_trigger_id`, ...) so the real
 * `@slack/web-api` client raises the same `WebAPIPlatformError` it would against Slack.
 */
import { messageProblems, viewProblems } from './block-limits.ts';
import type { Block, FakeFile, FakeMessage, FakeSlackState } from './fake-slack-state.ts';
import { fileJson, type Workspace } from './interaction-payloads.ts';

export interface ApiContext {
  state: FakeSlackState;
  ws: Workspace;
  origin: string;
  botUserId: string;
  botId: string;
  triggerTtlMs: number;
  maxFileBytes: number;
  /** apps.connections.open: a fresh single-use WebSocket URL. */
  openSocketUrl(): string;
}

export type Params = Record<string, unknown>;
export type ApiAnswer = Record<string, unknown> & { ok: boolean; error?: string };
export type Method = (ctx: ApiContext, p: Params) => ApiAnswer;

const fail = (error: string, extra: Record<string, unknown> = {}): ApiAnswer => ({
  ok: false,
  error,
  ...extra,
});

/** Form-encoded calls carry JSON as strings; accept both. */
function json(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined;
}

function messageJson(m: FakeMessage, ctx: ApiContext): Record<string, unknown> {
  return {
    type: 'message',
    ts: m.ts,
    user: m.user,
    ...(m.botId ? { bot_id: m.botId } : {}),
    text: m.text,
    blocks: m.blocks,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.files.length > 0 ? { files: m.files.map((f) => fileJson(f, ctx.origin)) } : {}),
  };
}

/** Thread replies attach to the thread's root, as in Slack. */
function threadRoot(
  ctx: ApiContext,
  channel: string,
  threadTs: string | undefined,
): string | undefined | null {
  if (threadTs === undefined) return undefined;
  const parent = ctx.state.findMessage(channel, threadTs);
  if (!parent) return null;
  return parent.threadTs ?? parent.ts;
}

function content(p: Params): { text: string; blocks: Block[] | undefined } | ApiAnswer {
  const blocks = p.blocks === undefined ? undefined : json(p.blocks);
  const problems = messageProblems(p.text, blocks);
  if (problems) {
    return fail(problems.error, {
      errors: problems.errors,
      response_metadata: { messages: problems.errors.map((e) => `[ERROR] ${e}`) },
    });
  }
  return { text: typeof p.text === 'string' ? p.text : '', blocks: blocks as Block[] | undefined };
}

const postMessage: Method = (ctx, p) => {
  const channel = str(p.channel);
  if (!channel || !ctx.state.channels.has(channel)) return fail('channel_not_found');
  const root = threadRoot(ctx, channel, str(p.thread_ts));
  if (root === null) return fail('thread_not_found');
  const c = content(p);
  if ('ok' in c) return c;
  const m: FakeMessage = {
    channel,
    ts: ctx.state.nextTs(),
    ...(root ? { threadTs: root } : {}),
    user: ctx.botUserId,
    botId: ctx.botId,
    text: c.text,
    blocks: c.blocks ?? [],
    files: [],
    updates: 0,
    history: [],
  };
  ctx.state.messages.push(m);
  return { ok: true, channel, ts: m.ts, message: messageJson(m, ctx) };
};

const update: Method = (ctx, p) => {
  const channel = str(p.channel);
  const ts = str(p.ts);
  if (!channel || !ctx.state.channels.has(channel)) return fail('channel_not_found');
  const m = ts ? ctx.state.findMessage(channel, ts) : undefined;
  if (!m) return fail('message_not_found');
  if (m.user !== ctx.botUserId) return fail('cant_update_message');
  const c = content(p);
  if ('ok' in c) return c;
  m.history.push({ text: m.text, blocks: m.blocks });
  m.text = c.text;
  if (c.blocks !== undefined) m.blocks = c.blocks;
  m.updates += 1;
  return { ok: true, channel, ts: m.ts, text: m.text, message: messageJson(m, ctx) };
};

/** chat.delete: the bot removes one of its own messages (thread replies stay, as in Slack). */
const deleteMessage: Method = (ctx, p) => {
  const channel = str(p.channel);
  const ts = str(p.ts);
  if (!channel || !ctx.state.channels.has(channel)) return fail('channel_not_found');
  const m = ts ? ctx.state.findMessage(channel, ts) : undefined;
  if (!m) return fail('message_not_found');
  if (m.user !== ctx.botUserId) return fail('cant_delete_message');
  ctx.state.messages.splice(ctx.state.messages.indexOf(m), 1);
  ctx.state.deletedMessages.push(m);
  return { ok: true, channel, ts: m.ts };
};

const postEphemeral: Method = (ctx, p) => {
  const channel = str(p.channel);
  const user = str(p.user);
  if (!channel || !ctx.state.channels.has(channel)) return fail('channel_not_found');
  if (!user || !ctx.state.users.has(user)) return fail('user_not_found');
  const c = content(p);
  if ('ok' in c) return c;
  const threadTs = str(p.thread_ts);
  ctx.state.ephemerals.push({
    channel,
    user,
    text: c.text,
    blocks: c.blocks ?? [],
    via: 'chat.postEphemeral',
    ...(threadTs ? { threadTs } : {}),
  });
  return { ok: true, message_ts: ctx.state.nextTs() };
};

const getPermalink: Method = (ctx, p) => {
  const channel = str(p.channel);
  const ts = str(p.message_ts);
  const m = channel && ts ? ctx.state.findMessage(channel, ts) : undefined;
  if (!m) return fail('message_not_found');
  const thread = m.threadTs ? `?thread_ts=${m.threadTs}&cid=${m.channel}` : '';
  return {
    ok: true,
    channel: m.channel,
    permalink: `${ctx.origin}/archives/${m.channel}/p${m.ts.replace('.', '')}${thread}`,
  };
};

/** A trigger is good once, within its lifetime (3 s in Slack). */
function takeTrigger(ctx: ApiContext, id: string | undefined): ApiAnswer | undefined {
  const t = id ? ctx.state.triggers.get(id) : undefined;
  if (!t) return fail('invalid_trigger_id');
  if (t.used || Date.now() - t.issuedAt > ctx.triggerTtlMs) return fail('expired_trigger_id');
  t.used = true;
  return undefined;
}

const viewsOpen: Method = (ctx, p) => {
  const view = json(p.view);
  const problems = viewProblems(view);
  // A malformed view is refused before the trigger is looked at, so it does not use the trigger up.
  if (problems.length > 0) {
    return fail('invalid_arguments', {
      response_metadata: { messages: problems.map((e) => `[ERROR] ${e}`) },
    });
  }
  const triggerId = str(p.trigger_id);
  const refused = takeTrigger(ctx, triggerId);
  if (refused) return refused;
  const trigger = ctx.state.triggers.get(triggerId ?? '');
  const id = ctx.state.nextId('V');
  ctx.state.views.set(id, {
    id,
    user: trigger?.user ?? '',
    triggerId: triggerId ?? '',
    view: view as Record<string, unknown>,
    updates: 0,
    closed: false,
  });
  return { ok: true, view: { ...(view as object), id, team_id: ctx.ws.teamId, hash: `${id}.0` } };
};

const viewsUpdate: Method = (ctx, p) => {
  const id = str(p.view_id);
  const v = id ? ctx.state.views.get(id) : undefined;
  if (!v) return fail('not_found');
  const view = json(p.view);
  const problems = viewProblems(view);
  if (problems.length > 0) {
    return fail('invalid_arguments', {
      response_metadata: { messages: problems.map((e) => `[ERROR] ${e}`) },
    });
  }
  const hash = str(p.hash);
  if (hash && hash !== `${v.id}.${v.updates}`) return fail('hash_conflict');
  v.view = view as Record<string, unknown>;
  v.updates += 1;
  return { ok: true, view: { ...(view as object), id, team_id: ctx.ws.teamId, hash: `${id}.${v.updates}` } };
};

const usersInfo: Method = (ctx, p) => {
  const u = ctx.state.users.get(str(p.user) ?? '');
  if (!u) return fail('user_not_found');
  return {
    ok: true,
    user: {
      id: u.id,
      team_id: ctx.ws.teamId,
      name: u.name,
      real_name: u.realName,
      is_admin: u.isAdmin,
      is_owner: u.isOwner,
      is_bot: u.isBot,
      profile: { real_name: u.realName, display_name: u.name },
      // Slack answers the locale only when asked for it.
      ...(p.include_locale === true || p.include_locale === 'true' ? { locale: u.locale } : {}),
    },
  };
};

const conversationsInfo: Method = (ctx, p) => {
  const c = ctx.state.channels.get(str(p.channel) ?? '');
  if (!c) return fail('channel_not_found');
  return {
    ok: true,
    channel: { id: c.id, name: c.name, is_channel: true, is_private: c.isPrivate, is_member: true },
  };
};

/** conversations.open with `users`: the bot's direct-message channel with that person (the same each time). */
const conversationsOpen: Method = (ctx, p) => {
  const user = str(p.users);
  if (!user || user.includes(',') || !ctx.state.users.has(user)) return fail('user_not_found');
  const channel = ctx.state.ensureChannel(`D${user.slice(1)}`, { name: `dm-${user}`, isPrivate: true });
  return { ok: true, channel: { id: channel.id, is_im: true, user } };
};

const getUploadUrl: Method = (ctx, p) => {
  const filename = str(p.filename);
  const length = Number(p.length);
  if (!filename || !Number.isInteger(length) || length <= 0) return fail('invalid_arguments');
  if (length > ctx.maxFileBytes) return fail('file_too_large');
  const f: FakeFile = {
    id: ctx.state.nextId('F'),
    name: filename,
    title: filename,
    mimetype: mimeOf(filename),
    size: length,
    user: ctx.botUserId,
    created: Math.floor(Date.now() / 1000),
    shares: [],
  };
  ctx.state.files.set(f.id, f);
  return { ok: true, upload_url: `${ctx.origin}/upload/${f.id}`, file_id: f.id };
};

const completeUpload: Method = (ctx, p) => {
  const list = json(p.files);
  if (!Array.isArray(list) || list.length === 0) return fail('invalid_arguments');
  const files: FakeFile[] = [];
  for (const item of list as { id?: string; title?: string }[]) {
    const f = ctx.state.files.get(item.id ?? '');
    if (!f?.data) return fail('file_not_found');
    if (item.title) f.title = item.title;
    files.push(f);
  }
  const channel = str(p.channel_id);
  if (channel) {
    if (!ctx.state.channels.has(channel)) return fail('channel_not_found');
    const root = threadRoot(ctx, channel, str(p.thread_ts));
    if (root === null) return fail('thread_not_found');
    const comment = typeof p.initial_comment === 'string' ? p.initial_comment : '';
    const c = p.blocks !== undefined && !comment ? content({ blocks: p.blocks, text: '' }) : undefined;
    if (c && 'ok' in c) return c;
    const m: FakeMessage = {
      channel,
      ts: ctx.state.nextTs(),
      ...(root ? { threadTs: root } : {}),
      user: ctx.botUserId,
      botId: ctx.botId,
      text: comment,
      blocks: c?.blocks ?? [],
      files,
      updates: 0,
      history: [],
    };
    ctx.state.messages.push(m);
    for (const f of files) f.shares.push({ channel, ts: m.ts, ...(root ? { threadTs: root } : {}) });
  }
  return { ok: true, files: files.map((f) => fileJson(f, ctx.origin)) };
};

const filesInfo: Method = (ctx, p) => {
  const f = ctx.state.files.get(str(p.file) ?? '');
  if (!f?.data) return fail('file_not_found');
  return { ok: true, file: fileJson(f, ctx.origin) };
};

function mimeOf(name: string): string {
  const ext = name.toLowerCase().split('.').pop();
  const known: Record<string, string> = {
    mp4: 'video/mp4',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    webp: 'image/webp',
  };
  return known[ext ?? ''] ?? 'application/octet-stream';
}

/** Method name → handler; `appToken` methods need the xapp- token, all others the bot token. */
export const METHODS: Record<string, { run: Method; appToken?: boolean }> = {
  'auth.test': {
    run: (ctx) => ({
      ok: true,
      url: `${ctx.origin}/`,
      team: ctx.ws.teamDomain,
      user: 'reelbot',
      team_id: ctx.ws.teamId,
      user_id: ctx.botUserId,
      bot_id: ctx.botId,
      is_enterprise_install: false,
    }),
  },
  'apps.connections.open': { appToken: true, run: (ctx) => ({ ok: true, url: ctx.openSocketUrl() }) },
  'chat.postMessage': { run: postMessage },
  'chat.update': { run: update },
  'chat.postEphemeral': { run: postEphemeral },
  'chat.delete': { run: deleteMessage },
  'chat.getPermalink': { run: getPermalink },
  'views.open': { run: viewsOpen },
  'views.update': { run: viewsUpdate },
  'users.info': { run: usersInfo },
  'conversations.info': { run: conversationsInfo },
  'conversations.open': { run: conversationsOpen },
  'files.getUploadURLExternal': { run: getUploadUrl },
  'files.completeUploadExternal': { run: completeUpload },
  'files.info': { run: filesInfo },
};

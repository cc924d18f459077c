/**
 * The fake Discord REST API (`/api/v10/...`): the routes discord.js uses for a slash-command bot,
 * with Discord's rules enforced (3 s acknowledgement, 15 min token, upload limits, payload limits,
 * bot-token auth) and scripted 429s. Every request is recorded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { commandProblems } from './command-rules.ts';
import type { Json, StoredInteraction, StoredMessage } from './fake-state.ts';
import { MESSAGE_FLAGS, messageJson, snowflake } from './fake-state.ts';
import type { FakeUser } from './fixtures.ts';
import { errors, HttpError, type ParsedBody, parseBody, readBody, routeOf, sendJson } from './http-io.ts';
import { handleCallback } from './interaction-callback.ts';
import { createMessage, editMessage, type MessageContext } from './message-ops.ts';
import {
  interactionContext,
  interactionMetadata,
  liveInteraction,
  type RestContext,
} from './rest-context.ts';

type Handler = (ctx: RestContext, m: RegExpExecArray, body: ParsedBody, url: URL) => unknown;

interface Route {
  method: string;
  pattern: RegExp;
  bot: boolean;
  handler: Handler;
}

const routes: Route[] = [];
const route = (method: string, pattern: RegExp, bot: boolean, handler: Handler) =>
  routes.push({ method, pattern, bot, handler });

/** Handle one request under `/api`. */
export async function handleRest(ctx: RestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const path = url.pathname.replace(/^\/api(\/v\d+)?/, '');
  const method = req.method ?? 'GET';
  const auth = authOf(ctx, req);
  const record = { method, path, route: routeOf(method, path), auth, at: Date.now() };
  let parsed: ParsedBody = { json: undefined, files: [] };
  try {
    parsed = await parseBody(req, await readBody(req));
    const limited = ctx.limiter.check(method, path);
    if (limited) throw limited;
    const found = match(method, path);
    if (!found) throw errors.notFound();
    if (found.route.bot && auth !== 'bot') throw errors.unauthorized();
    const out = await found.route.handler(ctx, found.m, parsed, url);
    const status = out === undefined ? 204 : 200;
    ctx.state.requests.push({ ...record, status, body: parsed.json, files: fileMeta(parsed) });
    sendJson(res, status, out);
  } catch (err) {
    const e = err instanceof HttpError ? err : new HttpError(500, { code: 0, message: String(err) });
    ctx.state.requests.push({ ...record, status: e.status, body: parsed.json, files: fileMeta(parsed) });
    sendJson(res, e.status, e.body, e.headers);
  } finally {
    ctx.state.changed();
  }
}

const fileMeta = (p: ParsedBody) => p.files.map((f) => ({ name: f.name, size: f.bytes.length }));

function authOf(ctx: RestContext, req: IncomingMessage): 'bot' | 'none' | 'invalid' {
  const h = req.headers.authorization;
  if (!h) return 'none';
  return h === `Bot ${ctx.options.botToken}` ? 'bot' : 'invalid';
}

function match(method: string, path: string) {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m) return { route: r, m };
  }
  return undefined;
}

const id = '(\\d+)';
const token = '([^/]+)';
const rx = (s: string) => new RegExp(`^${s}$`);

// ---- session and identity ----
route('GET', rx('/gateway/bot'), true, (ctx) => ({
  url: ctx.gatewayUrl(),
  shards: 1,
  session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
}));
route('GET', rx('/gateway'), false, (ctx) => ({ url: ctx.gatewayUrl() }));
route('GET', rx('/users/@me'), true, (ctx) => ctx.fixtures.bot);
route('GET', rx('/applications/@me'), true, (ctx) => ({
  id: ctx.fixtures.applicationId,
  name: ctx.fixtures.bot.username,
  flags: 0,
  bot_public: true,
  bot: ctx.fixtures.bot,
}));

// ---- application commands ----
function putCommands(ctx: RestContext, app: string, scope: string, body: ParsedBody) {
  if (app !== ctx.fixtures.applicationId) throw errors.notFound();
  if (scope !== 'global' && scope !== ctx.fixtures.guild.id) throw discordUnknownGuild();
  const list = Array.isArray(body.json) ? (body.json as Json[]) : undefined;
  if (!list) throw errors.invalidForm(['body: must be an array of commands']);
  const problems = commandProblems(list);
  if (problems.length > 0) throw errors.invalidForm(problems);
  const before = ctx.state.commands.get(scope) ?? [];
  const saved = list.map((c) => ({
    ...c,
    id: before.find((b) => b.name === c.name)?.id ?? snowflake(),
    application_id: app,
    type: c.type ?? 1,
    version: snowflake(),
    ...(scope === 'global' ? {} : { guild_id: scope }),
  }));
  ctx.state.commands.set(scope, saved);
  ctx.state.commandPuts.push({ scope, commands: list, at: Date.now() });
  return saved;
}
const discordUnknownGuild = () => new HttpError(404, { code: 10004, message: 'Unknown Guild' });
route('PUT', rx(`/applications/${id}/commands`), true, (ctx, m, b) => putCommands(ctx, m[1]!, 'global', b));
route('PUT', rx(`/applications/${id}/guilds/${id}/commands`), true, (ctx, m, b) =>
  putCommands(ctx, m[1]!, m[2]!, b),
);
route('GET', rx(`/applications/${id}/commands`), true, (ctx) => ctx.state.commands.get('global') ?? []);
route(
  'GET',
  rx(`/applications/${id}/guilds/${id}/commands`),
  true,
  (ctx, m) => ctx.state.commands.get(m[2]!) ?? [],
);

// ---- interaction responses ----
route('POST', rx(`/interactions/${id}/${token}/callback`), false, (ctx, m, body, url) =>
  handleCallback(
    ctx,
    m[1]!,
    decodeURIComponent(m[2]!),
    body,
    url.searchParams.get('with_response') === 'true',
  ),
);

function webhookMessage(ctx: RestContext, i: StoredInteraction, ref: string): StoredMessage {
  ref = decodeURIComponent(ref);
  const msgId = ref === '@original' ? i.originalMessageId : ref;
  const m = msgId ? ctx.state.messages.get(msgId) : undefined;
  if (!m || m.deleted) throw errors.unknownMessage();
  if (ref !== '@original' && !i.followupIds.includes(m.id)) throw errors.unknownMessage();
  return m;
}

const wh = `/webhooks/${id}/${token}`;
route('GET', rx(`${wh}/messages/([^/]+)`), false, (ctx, m) => {
  const i = liveInteraction(ctx, m[1]!, m[2]!);
  return messageJson(webhookMessage(ctx, i, m[3]!));
});
route('PATCH', rx(`${wh}/messages/([^/]+)`), false, (ctx, m, body) => {
  const i = liveInteraction(ctx, m[1]!, m[2]!);
  const msg = webhookMessage(ctx, i, m[3]!);
  return messageJson(editMessage(interactionContext(ctx, i), msg, body.json ?? {}, body.files));
});
route('DELETE', rx(`${wh}/messages/([^/]+)`), false, (ctx, m) => {
  const i = liveInteraction(ctx, m[1]!, m[2]!);
  const msg = webhookMessage(ctx, i, m[3]!);
  msg.deleted = true;
  return undefined;
});
route('POST', rx(wh), false, (ctx, m, body) => {
  const i = liveInteraction(ctx, m[1]!, m[2]!);
  if (!i.callback) throw errors.unknownWebhook();
  const mctx = interactionContext(ctx, i);
  const original = i.originalMessageId ? ctx.state.messages.get(i.originalMessageId) : undefined;
  // Discord: the first followup after a deferral replaces the "thinking" message, keeping the
  // deferral's visibility (an ephemeral flag on the followup is then ignored).
  if (original && !original.deleted && original.flags & MESSAGE_FLAGS.loading) {
    return messageJson(editMessage(mctx, original, body.json ?? {}, body.files));
  }
  const msg = createMessage(mctx, body.json ?? {}, body.files, {
    ephemeralFor: i.user.id,
    webhookId: ctx.fixtures.applicationId,
    interactionMetadata: interactionMetadata(i),
  });
  i.followupIds.push(msg.id);
  return messageJson(msg);
});

// ---- channel messages (bot token) ----
function channelContext(ctx: RestContext, channelId: string, author: FakeUser): MessageContext {
  const ch = ctx.fixtures.guild.channels.find((c) => c.id === channelId);
  if (!ch && ctx.state.dmChannels.has(channelId)) {
    return {
      state: ctx.state,
      origin: ctx.origin(),
      author,
      guildId: '',
      channelId,
      uploadLimit: ctx.fixtures.guild.uploadLimit,
    };
  }
  if (!ch) throw errors.unknownChannel();
  return {
    state: ctx.state,
    origin: ctx.origin(),
    author,
    guildId: ch.guild_id,
    channelId,
    uploadLimit: ctx.fixtures.guild.uploadLimit,
  };
}

function channelMessage(ctx: RestContext, channelId: string, messageId: string): StoredMessage {
  channelContext(ctx, channelId, ctx.fixtures.bot);
  const m = ctx.state.messages.get(messageId);
  if (!m || m.deleted || m.channel_id !== channelId || m.ephemeralFor) throw errors.unknownMessage();
  return m;
}

// ---- direct messages (bot token) ----
route('POST', rx('/users/@me/channels'), true, (ctx, _m, body) => {
  const recipient = String(body.json?.recipient_id ?? '');
  const member = ctx.fixtures.guild.members.find((x) => x.user.id === recipient);
  if (!member) throw errors.invalidForm(['recipient_id: Unknown user']);
  const dm = ctx.state.dmWith(recipient);
  return { id: dm.id, type: 1, last_message_id: null, flags: 0, recipients: [member.user] };
});

route('POST', rx(`/channels/${id}/messages`), true, (ctx, m, body) => {
  const mctx = channelContext(ctx, m[1]!, ctx.fixtures.bot);
  const json = body.json ?? {};
  const ref = json.message_reference as Json | undefined;
  if (
    ref?.message_id &&
    !ctx.state.messages.get(String(ref.message_id)) &&
    ref.fail_if_not_exists !== false
  ) {
    throw errors.invalidForm(['message_reference: Unknown message']);
  }
  return messageJson(createMessage(mctx, json, body.files));
});
route('GET', rx(`/channels/${id}/messages/${id}`), true, (ctx, m) =>
  messageJson(channelMessage(ctx, m[1]!, m[2]!)),
);
route('PATCH', rx(`/channels/${id}/messages/${id}`), true, (ctx, m, body) => {
  const msg = channelMessage(ctx, m[1]!, m[2]!);
  if (msg.author.id !== ctx.fixtures.bot.id) throw errors.notAuthor();
  const mctx = channelContext(ctx, m[1]!, ctx.fixtures.bot);
  return messageJson(editMessage(mctx, msg, body.json ?? {}, body.files));
});
route('DELETE', rx(`/channels/${id}/messages/${id}`), true, (ctx, m) => {
  channelMessage(ctx, m[1]!, m[2]!).deleted = true;
  return undefined;
});
